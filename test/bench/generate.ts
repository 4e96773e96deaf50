/**
 * The benchmark dataset: a fresh database `bw_bench_<stamp>` with our migrations, the real seed,
 * then generated history written with bulk SQL (INSERT ... SELECT inside PostgreSQL), keeping
 * every invariant the write path keeps:
 * - policy versions chained by previous_id, each closed (effective_to) on its successor's
 *   effective_from, one open version per (country, nationality, category);
 * - every policy, statement and event has sources;
 * - one feed entry per change, with a gapless seq in commit order (committed_at ascending) and
 *   feed_counter set to the last seq. Generated history is older than the seed, so it takes
 *   seq 1..G and the seed's entries move after it.
 *
 * Run alone: `node dist/test/bench/generate.js [--scale 0.1] [--keep]`.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { adminQuery as runAdminQuery } from '../helpers/database';
import { seedIfEmpty } from '../../src/db/seed';
import { createServices } from '../../src/server/services';
import { log } from './util';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface DatasetSize {
  policies: number;
  statements: number;
  events: number;
  sources: number;
}

export const FULL_SIZE: DatasetSize = { policies: 50_000, statements: 25_000, events: 25_000, sources: 5_000 };

export interface Dataset {
  name: string;
  url: string;
  counts: Record<string, number>;
  seedMs: number;
  generateMs: number;
  totalMs: number;
  drop(): Promise<void>;
}

export const adminQuery = (sql: string): Promise<void> => runAdminQuery(sql, ADMIN_URL);

export async function createDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return { name, url: databaseUrl(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Drops bench databases left by runs killed hard (older than 6 hours). */
export async function dropStaleBenchDatabases(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'bw\\_bench\\_%'");
    for (const { datname } of rows) {
      const stamp = Number(/_(\d{13})_\d+$/.exec(datname)?.[1]);
      if (stamp && Date.now() - stamp > 6 * 3600_000) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

export async function generate(scale = 1, seed = 0.42): Promise<Dataset> {
  const started = Date.now();
  const size: DatasetSize = {
    policies: Math.round(FULL_SIZE.policies * scale),
    statements: Math.round(FULL_SIZE.statements * scale),
    events: Math.round(FULL_SIZE.events * scale),
    sources: Math.max(100, Math.round(FULL_SIZE.sources * scale)),
  };
  const db = await createDatabase('bw_bench');
  try {
    await migrate(db.url);
    const logger = pino({ level: 'silent' });
    const app = await openDatabase({ url: db.url, dataDir: '', poolSize: 2, logger });
    try {
      const services = createServices(app, loadConfig({ NODE_ENV: 'test' }), { committed: () => undefined });
      const report = await seedIfEmpty(app, services, logger);
      if (!report || report.rejected.length > 0) throw new Error(`seed failed: ${JSON.stringify(report?.rejected)}`);
    } finally {
      await app.close();
    }
    const seedMs = Date.now() - started;
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT setseed($1)', [seed]);
      for (const [label, sql] of generationSql(size)) {
        const t = Date.now();
        await client.query(sql);
        if (process.env.BENCH_VERBOSE) log(`  ${label}: ${Date.now() - t} ms`);
      }
      await client.query('COMMIT');
      await client.query('VACUUM ANALYZE');
      const counts: Record<string, number> = {};
      for (const table of ['country', 'policy', 'statement', 'event', 'source', 'policy_source', 'feed_entry']) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        counts[table] = Number(rows[0]!.n);
      }
      await checkInvariants(client);
      return { ...db, counts, seedMs, generateMs: Date.now() - started - seedMs, totalMs: Date.now() - started };
    } finally {
      await client.end();
    }
  } catch (error) {
    await db.drop().catch(() => undefined);
    throw error;
  }
}

function generationSql(size: DatasetSize): Array<[string, string]> {
  const sourcePick = `gs.ids[1 + floor(random() * gs.n)::int]`;
  return [
    [
      'sources',
      `INSERT INTO source (url, title, publisher, published_at, retrieved_at)
       SELECT 'https://bench.example.org/source/' || i, 'Generated source number ' || i || ' about border rules',
              (ARRAY['Reuters', 'Associated Press', 'AFP', 'Government gazette', 'Ministry of Foreign Affairs'])[1 + i % 5],
              date '2000-01-01' + (i % 9000), now()
       FROM generate_series(1, ${size.sources}) AS i;
       CREATE TEMP TABLE gsrc_all AS
         SELECT array_agg(id ORDER BY url) AS ids, count(*)::int AS n FROM source WHERE url LIKE 'https://bench.example.org/source/%';
       CREATE TEMP TABLE gcountries AS SELECT array_agg(code ORDER BY code) AS codes, count(*)::int AS n FROM country;`,
    ],
    [
      'policy chains',
      // Every (country, category) the seed has no RU history for gets a chain of versions.
      `CREATE TEMP TABLE gchain AS
         SELECT c.code AS country_code, cat AS category
         FROM country c CROSS JOIN unnest(enum_range(NULL::"PolicyCategory")) AS cat
         WHERE NOT EXISTS (SELECT 1 FROM policy p WHERE p.country_code = c.code AND p.nationality = 'RU' AND p.category = cat);
       CREATE TEMP TABLE gchain_n AS
         SELECT row_number() OVER (ORDER BY country_code, category) AS chain, country_code, category,
                greatest(1, round(${size.policies}::numeric / (SELECT count(*) FROM gchain) * (0.5 + random())))::int AS n
         FROM gchain;
       CREATE TEMP TABLE gpol0 AS
         SELECT gen_random_uuid() AS id, ch.chain, ch.country_code, ch.category, v.i,
                date '2000-01-01' + ((v.i - 1) * sp.span + floor(random() * sp.span * 0.9))::int AS effective_from,
                (enum_range(NULL::"PolicyStatus"))[1 + floor(random() * 5)::int] AS status,
                CASE WHEN random() < 0.8 THEN (enum_range(NULL::"VisaRequirement"))[1 + floor(random() * 6)::int] END AS visa,
                CASE WHEN random() < 0.6 THEN (ARRAY[14, 30, 60, 90, 180, 365])[1 + floor(random() * 6)::int] END AS stay
         FROM gchain_n ch
         CROSS JOIN LATERAL (SELECT greatest(1, (current_date - date '2000-01-01') / ch.n) AS span) sp
         CROSS JOIN LATERAL generate_series(1, ch.n) AS v(i);
       CREATE TEMP TABLE gpol AS
         SELECT g.*, lag(id) OVER w AS previous_id, lead(effective_from) OVER w AS effective_to,
                lag(status) OVER w AS prev_status, lag(visa) OVER w AS prev_visa, lag(stay) OVER w AS prev_stay,
                effective_from::timestamptz + random() * interval '20 hours' AS t
         FROM gpol0 g WINDOW w AS (PARTITION BY chain ORDER BY i);
       INSERT INTO policy (id, country_code, nationality, category, status, visa_requirement, max_stay_days, title, summary,
                           effective_from, effective_to, recorded_at, previous_id, verification)
       SELECT id, country_code, 'RU', category, status, visa, stay,
              country_code || ' ' || lower(category::text) || ' rules for Russian citizens, version ' || i,
              'Generated version ' || i || ' of the ' || lower(category::text) || ' policy of ' || country_code ||
                ': status ' || lower(status::text) || coalesce(', visa ' || lower(visa::text), '') || coalesce(', stays up to ' || stay || ' days', '') || '.',
              effective_from, effective_to, t, previous_id, 'VERIFIED'
       FROM gpol ORDER BY chain, i;
       INSERT INTO policy_source (policy_id, source_id)
       SELECT p.id, ${sourcePick} FROM gpol p CROSS JOIN gsrc_all gs CROSS JOIN LATERAL generate_series(1, 1 + p.i % 2) AS k
       ON CONFLICT DO NOTHING;`,
    ],
    [
      'statements',
      `CREATE TEMP TABLE gst AS
         SELECT gen_random_uuid() AS id, i,
                CASE WHEN random() < 0.95 THEN gc.codes[1 + floor(random() * gc.n)::int] END AS country_code,
                timestamptz '2000-01-01' + random() * (now() - interval '1 day' - timestamptz '2000-01-01') AS said_at,
                (enum_range(NULL::"StatementMedium"))[1 + floor(random() * 5)::int] AS medium
         FROM generate_series(1, ${size.statements}) AS i CROSS JOIN gcountries gc;
       INSERT INTO statement (id, speaker, speaker_role, country_code, said_at, text, medium, recorded_at)
       SELECT id, 'Official ' || (i % 977), (ARRAY['Minister of Foreign Affairs', 'Minister of the Interior', 'Border guard spokesperson', 'Prime Minister'])[1 + i % 4],
              country_code, said_at,
              'Generated statement ' || i || ': ' || repeat('Entry rules for citizens of the Russian Federation remain under review. ', 1 + i % 4),
              medium, said_at
       FROM gst;
       INSERT INTO statement_source (statement_id, source_id)
       SELECT s.id, ${sourcePick} FROM gst s CROSS JOIN gsrc_all gs CROSS JOIN LATERAL generate_series(1, 1 + s.i % 2) AS k
       ON CONFLICT DO NOTHING;`,
    ],
    [
      'events',
      `CREATE TEMP TABLE gev AS
         SELECT gen_random_uuid() AS id, i,
                CASE WHEN random() < 0.9 THEN gc.codes[1 + floor(random() * gc.n)::int] END AS country_code,
                CASE WHEN random() < 0.5 THEN gc.codes[1 + floor(random() * gc.n)::int] END AS other_code,
                date '2000-01-01' + floor(random() * (current_date - date '2000-01-01'))::int AS occurred_on,
                (enum_range(NULL::"EventKind"))[1 + floor(random() * 8)::int] AS kind,
                random() < 0.3 AS has_figure
         FROM generate_series(1, ${size.events}) AS i CROSS JOIN gcountries gc;
       INSERT INTO event (id, title, description, kind, occurred_on, country_code, figure_value, figure_unit, figure_qualifier, recorded_at)
       SELECT id, 'Generated event ' || i, 'What happened at the border, generated record ' || i || '.', kind, occurred_on, country_code,
              CASE WHEN has_figure THEN (100 + i * 7 % 100000) END, CASE WHEN has_figure THEN 'people' END,
              CASE WHEN has_figure THEN 'ABOUT'::"FigureQualifier" END,
              occurred_on::timestamptz + interval '12 hours'
       FROM gev;
       INSERT INTO event_country (event_id, country_code)
       SELECT id, code FROM gev CROSS JOIN LATERAL unnest(ARRAY[country_code, other_code]) AS code WHERE code IS NOT NULL
       ON CONFLICT DO NOTHING;
       INSERT INTO event_source (event_id, source_id)
       SELECT e.id, ${sourcePick} FROM gev e CROSS JOIN gsrc_all gs CROSS JOIN LATERAL generate_series(1, 1 + e.i % 2) AS k
       ON CONFLICT DO NOTHING;`,
    ],
    [
      'feed',
      `CREATE TEMP TABLE gfeed AS
         SELECT t, 'POLICY_CHANGE'::"FeedKind" AS kind, 'RU'::varchar(2) AS nationality, ARRAY[country_code]::varchar(2)[] AS country_codes,
                id AS policy_id, previous_id AS previous_policy_id,
                (CASE
                   WHEN previous_id IS NULL THEN 'NEW'
                   WHEN status > prev_status THEN 'STRICTER'
                   WHEN status < prev_status THEN 'LOOSER'
                   WHEN visa IS NOT NULL AND prev_visa IS NOT NULL AND visa <> prev_visa THEN CASE WHEN visa > prev_visa THEN 'STRICTER' ELSE 'LOOSER' END
                   WHEN stay IS NOT NULL AND prev_stay IS NOT NULL AND stay <> prev_stay THEN CASE WHEN stay < prev_stay THEN 'STRICTER' ELSE 'LOOSER' END
                   ELSE 'UNCHANGED'
                 END)::"ChangeDirection" AS direction,
                category, status, NULL::uuid AS statement_id, NULL::uuid AS event_id, id AS record_id
         FROM gpol
         UNION ALL
         SELECT said_at, 'STATEMENT', NULL, CASE WHEN country_code IS NULL THEN '{}' ELSE ARRAY[country_code] END::varchar(2)[],
                NULL, NULL, NULL, NULL, NULL, id, NULL, id
         FROM gst
         UNION ALL
         SELECT e.occurred_on::timestamptz + interval '12 hours', 'EVENT', NULL,
                coalesce((SELECT array_agg(ec.country_code ORDER BY ec.country_code) FROM event_country ec WHERE ec.event_id = e.id), '{}')::varchar(2)[],
                NULL, NULL, NULL, NULL, NULL, NULL, e.id, e.id
         FROM gev e;
       DO $$
       DECLARE generated bigint; seeded bigint;
       BEGIN
         SELECT count(*) INTO generated FROM gfeed;
         SELECT coalesce(max(seq), 0) INTO seeded FROM feed_entry;
         -- The seed was committed now, after all the generated history: its entries go last. Two moves, each
         -- to numbers no entry holds yet, since the seed (every passport) may have more entries than are generated.
         UPDATE feed_entry SET seq = seq + seeded + generated;
         UPDATE feed_entry SET seq = seq - seeded;
       END $$;
       INSERT INTO feed_entry (seq, kind, nationality, country_codes, policy_id, previous_policy_id, direction, category, status,
                               statement_id, event_id, committed_at)
       SELECT row_number() OVER (ORDER BY t, record_id), kind, nationality, country_codes, policy_id, previous_policy_id, direction,
              category, status, statement_id, event_id, t
       FROM gfeed;
       UPDATE feed_counter SET value = (SELECT max(seq) FROM feed_entry) WHERE id = 1;`,
    ],
  ];
}

/** The write path's invariants, checked on the generated data; a violation stops the benchmark. */
export async function checkInvariants(client: Client): Promise<void> {
  const checks: Array<[string, string]> = [
    ['feed seq is gapless', `SELECT (SELECT count(*) FROM feed_entry) = (SELECT max(seq) FROM feed_entry) AND (SELECT min(seq) FROM feed_entry) = 1`],
    ['feed counter is the last seq', `SELECT (SELECT value FROM feed_counter WHERE id = 1) = (SELECT max(seq) FROM feed_entry)`],
    [
      'feed committed_at follows seq',
      `SELECT NOT EXISTS (SELECT 1 FROM (SELECT committed_at < lag(committed_at) OVER (ORDER BY seq) AS back FROM feed_entry) x WHERE back)`,
    ],
    [
      'one open version per policy',
      `SELECT NOT EXISTS (SELECT 1 FROM policy WHERE effective_to IS NULL AND retracted_at IS NULL GROUP BY country_code, nationality, category HAVING count(*) > 1)`,
    ],
    [
      'versions closed on their successor',
      `SELECT NOT EXISTS (SELECT 1 FROM policy n JOIN policy p ON p.id = n.previous_id WHERE p.effective_to IS DISTINCT FROM n.effective_from)`,
    ],
    ['every policy has a source', `SELECT NOT EXISTS (SELECT 1 FROM policy p WHERE NOT EXISTS (SELECT 1 FROM policy_source s WHERE s.policy_id = p.id))`],
    ['every policy has a feed entry', `SELECT (SELECT count(*) FROM policy) = (SELECT count(*) FROM feed_entry WHERE kind = 'POLICY_CHANGE')`],
  ];
  for (const [name, sql] of checks) {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT (${sql}) AS ok`);
    if (!rows[0]!.ok) throw new Error(`generated dataset breaks an invariant: ${name}`);
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const scale = args.includes('--scale') ? Number(args[args.indexOf('--scale') + 1]) : 1;
  generate(scale).then(
    async (dataset) => {
      console.log(JSON.stringify({ name: dataset.name, counts: dataset.counts, seedMs: dataset.seedMs, generateMs: dataset.generateMs }, null, 2));
      if (!args.includes('--keep')) await dataset.drop();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
