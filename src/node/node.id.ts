import { BadUserInputError } from '../common/errors';

/** A country has no UUID: its node id is this prefix and its alpha-2 code, stable as the code is. */
const COUNTRY_PREFIX = 'Country:';
const COUNTRY_ID = /^Country:([A-Z]{2})$/;
/** The records' ids as PostgreSQL's gen_random_uuid() writes them; any letter case is accepted. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type NodeId = { kind: 'country'; code: string } | { kind: 'record'; id: string };

export function countryNodeId(code: string): string {
  return `${COUNTRY_PREFIX}${code}`;
}

/** Throws BAD_USER_INPUT naming `field` when `id` has neither form; a well-formed id may still name nothing. */
export function parseNodeId(id: string, field: string): NodeId {
  const country = COUNTRY_ID.exec(id);
  if (country) return { kind: 'country', code: country[1]! };
  if (UUID.test(id)) return { kind: 'record', id: id.toLowerCase() };
  throw new BadUserInputError(field, `"${truncate(id)}" is not a Borderwatch id (a UUID, or "Country:" and an ISO alpha-2 code such as "Country:FI")`);
}

/** Client input echoed in a message is bounded. */
function truncate(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}
