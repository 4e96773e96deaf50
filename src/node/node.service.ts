import type DataLoader from 'dataloader';
import { BadUserInputError } from '../common/errors';
import type { PageSizeLimits } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import { parseNodeId } from './node.id';
import type { TypedNode } from './node.type';

type ById = DataLoader<string, { id: string } | null>;

/** The request's loaders node(id:) goes through (src/server/loaders.ts). */
export interface NodeLoaders {
  policy: ById;
  statement: ById;
  event: ById;
  source: ById;
}

/** The record types with UUIDs, in the order a found id is looked up (they never share one). */
const RECORDS = [
  ['policy', 'Policy'],
  ['statement', 'Statement'],
  ['event', 'Event'],
  ['source', 'Source'],
] as const satisfies ReadonlyArray<readonly [keyof NodeLoaders, string]>;

/**
 * Finds records by node id. A UUID does not say which table holds it, so each
 * is looked up in the four at once, through the request's loaders: a `nodes`
 * list of any length costs one statement per table, run side by side, and
 * records the query reads again (a policy's `previous`) come from the same loaders.
 */
export class NodeService {
  constructor(
    private readonly catalog: CountryCatalog,
    private readonly limits: PageSizeLimits,
  ) {}

  /** One node; null when a well-formed id names nothing (Relay's convention). */
  async one(id: string, loaders: NodeLoaders): Promise<TypedNode | null> {
    return this.find(id, 'id', loaders);
  }

  /** As many as a page may hold (PAGE_SIZE_MAX); null in place of each id that names nothing. */
  async many(ids: readonly string[], loaders: NodeLoaders): Promise<Array<TypedNode | null>> {
    if (ids.length > this.limits.max) throw new BadUserInputError('ids', `at most ${this.limits.max} ids at once (PAGE_SIZE_MAX), got ${ids.length}`);
    // Every id is checked before anything is read: one malformed id refuses the whole list.
    ids.forEach((id, index) => parseNodeId(id, `ids.${index}`));
    return Promise.all(ids.map((id, index) => this.find(id, `ids.${index}`, loaders)));
  }

  private async find(raw: string, field: string, loaders: NodeLoaders): Promise<TypedNode | null> {
    const id = parseNodeId(raw, field);
    if (id.kind === 'country') {
      const country = this.catalog.get(id.code);
      return country ? { ...country, __typename: 'Country' } : null;
    }
    const found = await Promise.all(RECORDS.map(([loader]) => loaders[loader].load(id.id)));
    const index = found.findIndex((row) => row !== null);
    return index < 0 ? null : { ...found[index]!, __typename: RECORDS[index]![1] };
  }
}
