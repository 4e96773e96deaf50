import pino from 'pino';
import { Client } from 'pg';
import { openDatabase } from '../../src/db/database';
import { runningEmbeddedUrl } from '../../src/db/embedded';
import type { Deployment } from './deployment';

/** One committed feed entry, as PostgreSQL holds it: the truth every delivery is compared with. */
export interface TruthEntry {
  seq: bigint;
  kind: string;
  nationality: string | null;
  countryCodes: string[];
  category: string | null;
  status: string | null;
  /** The record it is about: policy, statement, event, or the retracted record. */
  id: string | null;
}

const FEED_SQL = `SELECT seq::text AS seq, kind::text AS kind, nationality, country_codes AS "countryCodes", category::text AS category,
  status::text AS status, COALESCE(policy_id::text, statement_id::text, event_id::text, retracted_id::text) AS id
  FROM feed_entry f ORDER BY f.seq`;

/**
 * Reads the whole feed from the deployment's PostgreSQL (the private cluster, or the embedded
 * database of the running instance). An embedded instance that died is opened from its files.
 */
export async function readFeed(deployment: Deployment): Promise<TruthEntry[]> {
  let rows: Array<Record<string, any>>;
  if (deployment.env.DATABASE_URL) {
    rows = await queryUrl(deployment.env.DATABASE_URL);
  } else {
    const url = await runningEmbeddedUrl(deployment.dataDir!);
    if (url) rows = await queryUrl(url);
    else {
      const db = await openDatabase({ url: undefined, dataDir: deployment.dataDir!, poolSize: 1, logger: pino({ level: 'silent' }) });
      try {
        rows = (await db.pool.query(FEED_SQL)).rows;
      } finally {
        await db.close();
      }
    }
  }
  return rows.map((row) => ({
    seq: BigInt(row.seq),
    kind: row.kind,
    nationality: row.nationality,
    countryCodes: parseArray(row.countryCodes),
    category: row.category,
    status: row.status,
    id: row.id,
  }));
}

async function queryUrl(url: string): Promise<Array<Record<string, any>>> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(FEED_SQL)).rows;
  } finally {
    await client.end();
  }
}

/** pg gives varchar[] as an array; PGlite's wire protocol may give the text form "{FI,EE}". */
function parseArray(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value === 'string') return value.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
  return [];
}

/** The latest committed sequence number. */
export function lastSeq(entries: readonly TruthEntry[]): bigint {
  return entries.length ? entries[entries.length - 1]!.seq : 0n;
}

/**
 * What an honest subscriber asked for, and the rule the README gives for it. The rule is
 * written here from the README and the schema's descriptions, not imported: the suite checks the
 * server's filter, it does not reuse it.
 */
export type SubscriberFilter =
  | { field: 'feed'; filter: { countryCodes?: string[]; kinds?: string[]; nationality?: string } }
  | { field: 'policyChanged'; filter: { countryCodes?: string[]; categories?: string[]; statuses?: string[]; nationality?: string } };

export function matches(subscription: SubscriberFilter, entry: TruthEntry): boolean {
  const f = subscription.filter;
  if (f.countryCodes && !entry.countryCodes.some((code) => f.countryCodes!.includes(code))) return false;
  if (subscription.field === 'feed') {
    const { kinds, nationality } = subscription.filter;
    if (kinds && !kinds.includes(entry.kind)) return false;
    // "statements and events, which concern no single nationality, always match"
    if (nationality && entry.nationality !== null && entry.nationality !== nationality) return false;
    return true;
  }
  const { categories, statuses, nationality } = subscription.filter;
  if (entry.kind !== 'POLICY_CHANGE') return false;
  if (categories && (!entry.category || !categories.includes(entry.category))) return false;
  if (statuses && (!entry.status || !statuses.includes(entry.status))) return false;
  if (nationality && entry.nationality !== nationality) return false;
  return true;
}
