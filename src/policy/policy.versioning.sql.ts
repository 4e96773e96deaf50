import { columnsAt, selectList } from '../db/columns';
import { POLICY_LOCK_FORMAT, takeLocks } from '../db/locks';
import { EventTable, FeedEntryTable, PolicyTable, StatementTable } from '../generated/model';

/**
 * The statements of policy versioning (policy.versioning.ts), each one round trip: a call of a write
 * function of prisma/migrations/20261203050000_write_functions, its locks taken in its last argument,
 * its composite results unpacked into columns under the model's field names, prefixed by record.
 */
const policyAs = (composite: string, prefix: string) => selectList(PolicyTable.columns, `(${composite})`, prefix);
const entryAs = (composite: string) => selectList(FeedEntryTable.columns, `(${composite})`, 'entry.');

/** $1: the validated input as JSON; $2: the policy's lock (policyLock). */
export const RECORD_POLICY_CHANGE = `SELECT r.change_direction AS direction, ${policyAs('r.recorded', 'policy.')}, ${policyAs('r.closed', 'previous.')}, ${entryAs('r.entry')}
  FROM bw_record_policy_change($1::jsonb, ${takeLocks('ARRAY[$2::text]')}) AS r`;

const p = columnsAt(PolicyTable, 'p');

/**
 * $1: the id of a policy version, statement or event; $2: the reason. A policy's lock is named from its
 * row by POLICY_LOCK_FORMAT (its key never changes, so reading it before the lock is safe). The feed
 * entry, and the record as retracted under `policy.`, `statement.` or `event.` (the others null).
 */
export const RETRACT = `SELECT ${entryAs('f.entry')}, ${policyAs('f.retracted_policy', 'policy.')},
    ${selectList(StatementTable.columns, '(f.retracted_statement)', 'statement.')}, ${selectList(EventTable.columns, '(f.retracted_event)', 'event.')}
  FROM bw_retract($1::uuid, $2::text, ${takeLocks(
    `ARRAY(SELECT format('${POLICY_LOCK_FORMAT}', ${p.country_code}, ${p.nationality}, ${p.category}::text) FROM ${PolicyTable.table} p WHERE ${p.id} = $1::uuid)`,
  )}) AS f`;
