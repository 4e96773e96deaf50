import type { SourceInputValue } from '../common/validation';
import type { Prisma } from '../generated/prisma/client';
import type { BatchPlan } from './batch-plan';
import { isoDate } from './batch-state';

type Tx = Prisma.TransactionClient;

/**
 * Writes a planned batch in a handful of set-based statements (rows travel as
 * one JSON parameter each), so 10,000 rows cost a few hundred round trips, not
 * tens of thousands. recorded_at is clock_timestamp(), in row order.
 */
export async function writeBatch(tx: Tx, plan: BatchPlan): Promise<void> {
  const sourceIds = await ensureSources(tx, [
    ...plan.policies.flatMap((p) => p.sources),
    ...plan.statements.flatMap((s) => s.input.sources),
    ...plan.events.flatMap((e) => e.input.sources),
  ]);
  const idOf = (source: SourceInputValue) => sourceIds.get(source.url)!;

  // Close first: a key may have only one open version.
  await run(tx, `UPDATE policy p SET effective_to = t.effective_to
     FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, effective_to date) WHERE p.id = t.id`,
    [...plan.closes].map(([id, to]) => ({ id, effective_to: isoDate(to) })));
  await run(tx, `INSERT INTO policy (id, country_code, nationality, category, status, visa_requirement, max_stay_days, title, summary,
       effective_from, effective_to, changed_after, announced_at, previous_id, verification, recorded_at)
     SELECT id, country_code, nationality, category::"PolicyCategory", status::"PolicyStatus", visa_requirement::"VisaRequirement",
       max_stay_days, title, summary, effective_from, effective_to, changed_after, announced_at, previous_id,
       verification::"Verification", clock_timestamp()
     FROM jsonb_to_recordset($1::jsonb) AS t(ord int, id uuid, country_code varchar, nationality varchar, category text, status text,
       visa_requirement text, max_stay_days int, title text, summary text, effective_from date, effective_to date,
       changed_after date, announced_at date, previous_id uuid, verification text)
     ORDER BY ord`,
    plan.policies.map((p, ord) => ({
      ord,
      id: p.id,
      country_code: p.countryCode,
      nationality: p.nationality,
      category: p.category,
      status: p.status,
      visa_requirement: p.visaRequirement,
      max_stay_days: p.maxStayDays,
      title: p.title,
      summary: p.summary,
      effective_from: isoDate(p.effectiveFrom),
      effective_to: p.effectiveTo ? isoDate(p.effectiveTo) : null,
      changed_after: p.changedAfter ? isoDate(p.changedAfter) : null,
      announced_at: p.announcedAt ? isoDate(p.announcedAt) : null,
      previous_id: p.previousId,
      verification: p.verification,
    })));
  await linkSources(tx, 'policy_source', 'policy_id', plan.policies.map((p) => [p.id, p.sources.map(idOf)] as const));

  await run(tx, `INSERT INTO statement (id, speaker, speaker_role, country_code, said_at, said_at_precision, text, language, medium,
       reply_to_id, verification, recorded_at)
     SELECT id, speaker, speaker_role, country_code, said_at, said_at_precision::"TimePrecision", text, language,
       medium::"StatementMedium", reply_to_id, verification::"Verification", clock_timestamp()
     FROM jsonb_to_recordset($1::jsonb) AS t(ord int, id uuid, speaker text, speaker_role text, country_code varchar,
       said_at timestamptz, said_at_precision text, text text, language varchar, medium text, reply_to_id uuid, verification text)
     ORDER BY ord`,
    plan.statements.map(({ id, input }, ord) => ({
      ord,
      id,
      speaker: input.speaker,
      speaker_role: input.speakerRole,
      country_code: input.countryCode,
      said_at: input.saidAt.toISOString(),
      said_at_precision: input.saidAtPrecision,
      text: input.text,
      language: input.language,
      medium: input.medium,
      reply_to_id: input.replyToId,
      verification: input.verification,
    })));
  await linkSources(tx, 'statement_source', 'statement_id', plan.statements.map((s) => [s.id, s.input.sources.map(idOf)] as const));
  await link(tx, 'statement_policy', 'statement_id', 'policy_id', plan.statements.flatMap((s) => s.relatedPolicyIds.map((p) => [s.id, p] as const)));

  await run(tx, `INSERT INTO event (id, title, description, kind, occurred_on, country_code, figure_value, figure_unit, figure_qualifier,
       verification, recorded_at)
     SELECT id, title, description, kind::"EventKind", occurred_on, country_code, figure_value, figure_unit,
       figure_qualifier::"FigureQualifier", verification::"Verification", clock_timestamp()
     FROM jsonb_to_recordset($1::jsonb) AS t(ord int, id uuid, title text, description text, kind text, occurred_on date,
       country_code varchar, figure_value numeric, figure_unit text, figure_qualifier text, verification text)
     ORDER BY ord`,
    plan.events.map(({ id, input }, ord) => ({
      ord,
      id,
      title: input.title,
      description: input.description,
      kind: input.kind,
      occurred_on: isoDate(input.occurredOn),
      country_code: input.countryCode,
      figure_value: input.figure?.value ?? null,
      figure_unit: input.figure?.unit ?? null,
      figure_qualifier: input.figure?.qualifier ?? null,
      verification: input.verification,
    })));
  await linkSources(tx, 'event_source', 'event_id', plan.events.map((e) => [e.id, e.input.sources.map(idOf)] as const));
  await link(tx, 'event_country', 'event_id', 'country_code', plan.events.flatMap((e) => e.countryCodes.map((c) => [e.id, c] as const)));
}

/**
 * A source row per URL, the natural key: a URL already known keeps its first
 * title (as source.writer's ensureSources). Returns the id of every URL.
 */
async function ensureSources(tx: Tx, sources: readonly SourceInputValue[]): Promise<Map<string, string>> {
  const first = new Map<string, SourceInputValue>();
  for (const source of sources) if (!first.has(source.url)) first.set(source.url, source);
  if (first.size === 0) return new Map();
  await run(tx, `INSERT INTO source (url, title, publisher, published_at, retrieved_at)
     SELECT url, title, publisher, published_at, retrieved_at
     FROM jsonb_to_recordset($1::jsonb) AS t(ord int, url text, title text, publisher text, published_at date, retrieved_at timestamptz)
     ORDER BY ord
     ON CONFLICT (url) DO NOTHING`,
    [...first.values()].map((s, ord) => ({
      ord,
      url: s.url,
      title: s.title,
      publisher: s.publisher ?? null,
      published_at: s.publishedAt ? isoDate(s.publishedAt) : null,
      retrieved_at: s.retrievedAt ? s.retrievedAt.toISOString() : null,
    })));
  const rows = await tx.$queryRawUnsafe<Array<{ id: string; url: string }>>(
    `SELECT id::text, url FROM source WHERE url IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    JSON.stringify([...first.keys()]),
  );
  return new Map(rows.map((row) => [row.url, row.id]));
}

async function link(tx: Tx, table: string, left: string, right: string, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const type = right === 'country_code' ? 'varchar' : 'uuid';
  await run(tx, `INSERT INTO ${table} (${left}, ${right})
     SELECT a, b FROM jsonb_to_recordset($1::jsonb) AS t(a uuid, b ${type}) ON CONFLICT DO NOTHING`,
    pairs.map(([a, b]) => ({ a, b })));
}

/** Source links in the order the sources were given (a URL given twice counts once, at its first place). */
async function linkSources(tx: Tx, table: string, owner: string, records: ReadonlyArray<readonly [string, readonly string[]]>): Promise<void> {
  const rows = records.flatMap(([id, sourceIds]) => [...new Set(sourceIds)].map((sourceId, position) => ({ a: id, b: sourceId, position })));
  await run(tx, `INSERT INTO ${table} (${owner}, source_id, position)
     SELECT a, b, position FROM jsonb_to_recordset($1::jsonb) AS t(a uuid, b uuid, position smallint) ON CONFLICT DO NOTHING`,
    rows);
}

async function run(tx: Tx, sql: string, rows: readonly object[]): Promise<void> {
  if (rows.length > 0) await tx.$executeRawUnsafe(sql, JSON.stringify(rows));
}
