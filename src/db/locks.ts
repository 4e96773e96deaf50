import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/**
 * Transaction-scoped advisory locks that writers of one record queue on. Every
 * writer names its locks here (an editor's change, a retraction and an import
 * of one policy take the same one), and takes all of a transaction's locks in
 * one statement, in one global order (ascending lock id), so two writers never
 * wait on each other in opposite orders.
 */
export function policyLock(ref: { countryCode: string; nationality: string; category: string }): string {
  return `policy:${ref.countryCode}/${ref.nationality}/${ref.category}`;
}

/**
 * policyLock as a PostgreSQL format() string (`policy:%1$s/%2$s/%3$s`), for a statement that learns the
 * policy from its id (a retraction): built by policyLock itself, so the key is still written once.
 * test/integration/versioning-rules.test.ts checks that format() of it gives policyLock's names.
 */
export const POLICY_LOCK_FORMAT = policyLock({ countryCode: '%1$s', nationality: '%2$s', category: '%3$s' });

/**
 * Statements and events by natural key, folded into 1,024 stripes per kind: a
 * batch of any size takes a bounded number of locks (PostgreSQL's lock table is
 * small), and two keys that share a stripe only queue behind each other.
 */
const STRIPES = 1024;

export function recordLock(kind: 'statement' | 'event', naturalKey: string): string {
  return `${kind}:${createHash('sha1').update(naturalKey).digest().readUInt32BE(0) % STRIPES}`;
}

/**
 * Session locks around a whole start-up step, held across its transactions. Numbers, not names: the
 * migration's is the key Prisma Migrate itself locks on, so the Prisma CLI and an instance never
 * migrate at once.
 */
export const MIGRATION_LOCK = 72707369;
export const SEED_LOCK = 7_272_001;

/**
 * A SQL expression that takes the lock of every name in `names` (a text[] expression), in the global
 * order, until the transaction ends, and counts them. The one-round-trip writes pass it as their write
 * function's last argument: PostgreSQL evaluates arguments before the body, so the body's statements
 * all read after the locks.
 */
export function takeLocks(names: string): string {
  return `(SELECT count(pg_advisory_xact_lock(id)) FROM (
     SELECT DISTINCT hashtextextended(name, 0) AS id FROM unnest(${names}) AS name ORDER BY id
   ) AS locks)`;
}

/** Takes every lock in `names`, in the global order, until the transaction ends. */
export async function lockInOrder(tx: Tx, names: Iterable<string>): Promise<void> {
  const list = [...new Set(names)];
  if (list.length === 0) return;
  await tx.$executeRawUnsafe(`SELECT ${takeLocks('ARRAY(SELECT jsonb_array_elements_text($1::jsonb))')}`, JSON.stringify(list));
}
