import { lockInOrder, policyLock, recordLock } from '../db/locks';
import type { Prisma } from '../generated/prisma/client';
import { eventKey, policyKey, statementKey } from './natural-keys';
import type { ParsedRow } from './parse-row';
import type { BatchState, EventState, Keyed, StatementState, VersionState } from './record-state';

type Tx = Prisma.TransactionClient;

/**
 * Takes the locks of every policy, statement and event key in the batch (the
 * policy ones are those PolicyChangeService.recordIn takes), in the global
 * order, so that two imports of the same records queue instead of both
 * inserting them, and cannot deadlock; then reads the state.
 */
export async function loadBatchState(tx: Tx, batch: readonly ParsedRow[]): Promise<BatchState> {
  const locks: string[] = [];
  for (const item of batch) {
    if (item.kind === 'policy') locks.push(policyLock(item.input));
    if (item.kind === 'statement') {
      locks.push(...item.refs.map(policyLock), recordLock('statement', statementKey(item.input)));
    }
    if (item.kind === 'event') locks.push(recordLock('event', eventKey(item.input)));
  }
  await lockInOrder(tx, locks);
  return readBatchState(tx, batch);
}

/**
 * The state a batch is decided against, without taking its locks: for a
 * caller that already excludes other writers another way (the bulk import
 * locks the tables, since one lock per key would overflow PostgreSQL's lock table).
 */
export async function readBatchState(tx: Tx, batch: readonly ParsedRow[]): Promise<BatchState> {
  const keys = new Map<string, { countryCode: string; nationality: string; category: string }>();
  const statements: Array<{ speaker: string; said_at: string; text: string }> = [];
  const events: Array<{ title: string; occurred_on: string }> = [];
  const replyIds: string[] = [];
  for (const item of batch) {
    if (item.kind === 'policy') keys.set(policyKey(item.input), item.input);
    if (item.kind === 'statement') {
      item.refs.forEach((ref) => keys.set(policyKey(ref), ref));
      statements.push({ speaker: item.input.speaker, said_at: item.input.saidAt.toISOString(), text: item.input.text });
      if (item.input.replyToId) replyIds.push(item.input.replyToId);
    }
    if (item.kind === 'event') events.push({ title: item.input.title, occurred_on: isoDate(item.input.occurredOn) });
  }
  const versions = await loadVersions(tx, [...keys.values()]);
  return {
    versions: versions.live,
    retractedVersions: versions.retracted,
    statements: await loadStatements(tx, statements),
    events: await loadEvents(tx, events),
    statementIds: await loadIds(tx, replyIds),
  };
}

async function loadVersions(tx: Tx, keys: ReadonlyArray<{ countryCode: string; nationality: string; category: string }>) {
  const live = new Map<string, VersionState[]>();
  const retracted = new Map<string, VersionState[]>();
  if (keys.length === 0) return { live, retracted };
  const rows = await tx.$queryRawUnsafe<Array<Omit<VersionState, 'maxStayDays'> & { maxStayDays: number | null; retracted: boolean }>>(
    `SELECT p.id, p.country_code AS "countryCode", p.nationality, p.category::text, p.status::text,
            p.visa_requirement::text AS "visaRequirement", p.max_stay_days AS "maxStayDays", p.title, p.summary,
            p.effective_from AS "effectiveFrom", p.effective_to AS "effectiveTo", p.retracted_at IS NOT NULL AS retracted
     FROM policy p
     JOIN jsonb_to_recordset($1::jsonb) AS k(country_code text, nationality text, category text)
       ON p.country_code = k.country_code AND p.nationality = k.nationality AND p.category::text = k.category
     ORDER BY p.effective_from, p.recorded_at, p.id`,
    JSON.stringify(keys.map((key) => ({ country_code: key.countryCode, nationality: key.nationality, category: key.category }))),
  );
  for (const { retracted: isRetracted, ...row } of rows) {
    const byKey = isRetracted ? retracted : live;
    const key = policyKey(row);
    const list = byKey.get(key) ?? [];
    list.push({ ...row, maxStayDays: row.maxStayDays === null ? null : Number(row.maxStayDays) });
    byKey.set(key, list);
  }
  return { live, retracted };
}

async function loadStatements(tx: Tx, keys: ReadonlyArray<{ speaker: string; said_at: string; text: string }>) {
  const found = new Map<string, Keyed<StatementState>>();
  if (keys.length === 0) return found;
  const rows = await tx.$queryRawUnsafe<Array<StatementState & { speaker: string; saidAt: Date; text: string; retracted: boolean }>>(
    `SELECT s.speaker, s.said_at AS "saidAt", s.text, s.speaker_role AS "speakerRole", s.country_code AS "countryCode",
            s.medium::text, s.language, s.verification::text, s.retracted_at IS NOT NULL AS retracted
     FROM statement s
     JOIN jsonb_to_recordset($1::jsonb) AS k(speaker text, said_at timestamptz, text text)
       ON s.speaker = k.speaker AND s.said_at = k.said_at AND s.text = k.text`,
    JSON.stringify(keys),
  );
  for (const { retracted, ...row } of rows) addKeyed(found, statementKey(row), row, retracted);
  return found;
}

async function loadEvents(tx: Tx, keys: ReadonlyArray<{ title: string; occurred_on: string }>) {
  const found = new Map<string, Keyed<EventState>>();
  if (keys.length === 0) return found;
  const rows = await tx.$queryRawUnsafe<Array<Omit<EventState, 'figureValue'> & { title: string; occurredOn: Date; figureValue: string | null; retracted: boolean }>>(
    `SELECT e.title, e.occurred_on AS "occurredOn", e.kind::text, e.description, e.country_code AS "countryCode",
            e.figure_value::text AS "figureValue", e.verification::text, e.retracted_at IS NOT NULL AS retracted
     FROM event e
     JOIN jsonb_to_recordset($1::jsonb) AS k(title text, occurred_on date)
       ON e.title = k.title AND e.occurred_on = k.occurred_on`,
    JSON.stringify(keys),
  );
  for (const { retracted, ...row } of rows) {
    addKeyed(found, eventKey(row), { ...row, figureValue: row.figureValue === null ? null : Number(row.figureValue) }, retracted);
  }
  return found;
}

function addKeyed<T>(found: Map<string, Keyed<T>>, key: string, record: T, retracted: boolean): void {
  const keyed = found.get(key) ?? { live: null, retracted: [] };
  if (retracted) keyed.retracted.push(record);
  else keyed.live = record;
  found.set(key, keyed);
}

async function loadIds(tx: Tx, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text FROM statement WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))`,
    JSON.stringify(ids),
  );
  return new Set(rows.map((row) => row.id));
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
