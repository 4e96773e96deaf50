import type { EventKind, PolicyCategory, PolicyStatus, StatementMedium, Verification, VisaRequirement } from '../common/enums';
import type { Prisma } from '../generated/prisma/client';
import { eventKey, policyKey, statementKey } from './natural-keys';
import type { ParsedRow } from './parse-row';

type Tx = Prisma.TransactionClient;

/** A policy version as the planner needs it; created ones are added as the batch goes. */
export interface VersionState {
  id: string;
  countryCode: string;
  nationality: string;
  category: PolicyCategory;
  status: PolicyStatus;
  visaRequirement: VisaRequirement | null;
  maxStayDays: number | null;
  title: string;
  summary: string | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

export interface StatementState {
  speakerRole: string | null;
  countryCode: string | null;
  medium: StatementMedium;
  language: string;
  verification: Verification;
}

export interface EventState {
  kind: EventKind;
  description: string | null;
  countryCode: string | null;
  figureValue: number | null;
  verification: Verification;
}

/** What the database holds for one batch's natural keys, read in a few statements. */
export interface BatchState {
  /** Versions per policy key, oldest first. */
  versions: Map<string, VersionState[]>;
  statements: Map<string, StatementState>;
  events: Map<string, EventState>;
  /** Statements that replies in the batch point at and that exist. */
  statementIds: Set<string>;
}

/**
 * Takes the same per-policy advisory locks as PolicyChangeService.recordIn,
 * in a fixed order so that two imports cannot deadlock, then reads the state.
 */
export async function loadBatchState(tx: Tx, batch: readonly ParsedRow[]): Promise<BatchState> {
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
  const keyList = [...keys.keys()].sort();
  if (keyList.length > 0) {
    await tx.$executeRawUnsafe(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM jsonb_array_elements_text($1::jsonb) AS k ORDER BY k) AS locks`,
      JSON.stringify(keyList.map((key) => `policy:${key}`)),
    );
  }
  return {
    versions: await loadVersions(tx, [...keys.values()]),
    statements: await loadStatements(tx, statements),
    events: await loadEvents(tx, events),
    statementIds: await loadIds(tx, replyIds),
  };
}

async function loadVersions(tx: Tx, keys: ReadonlyArray<{ countryCode: string; nationality: string; category: string }>) {
  const versions = new Map<string, VersionState[]>();
  if (keys.length === 0) return versions;
  const rows = await tx.$queryRawUnsafe<Array<Omit<VersionState, 'maxStayDays'> & { maxStayDays: number | null }>>(
    `SELECT p.id, p.country_code AS "countryCode", p.nationality, p.category::text, p.status::text,
            p.visa_requirement::text AS "visaRequirement", p.max_stay_days AS "maxStayDays", p.title, p.summary,
            p.effective_from AS "effectiveFrom", p.effective_to AS "effectiveTo"
     FROM policy p
     JOIN jsonb_to_recordset($1::jsonb) AS k(country_code text, nationality text, category text)
       ON p.country_code = k.country_code AND p.nationality = k.nationality AND p.category::text = k.category
     WHERE p.retracted_at IS NULL
     ORDER BY p.effective_from, p.recorded_at, p.id`,
    JSON.stringify(keys.map((key) => ({ country_code: key.countryCode, nationality: key.nationality, category: key.category }))),
  );
  for (const row of rows) {
    const key = policyKey(row);
    const list = versions.get(key) ?? [];
    list.push({ ...row, maxStayDays: row.maxStayDays === null ? null : Number(row.maxStayDays) });
    versions.set(key, list);
  }
  return versions;
}

async function loadStatements(tx: Tx, keys: ReadonlyArray<{ speaker: string; said_at: string; text: string }>) {
  const found = new Map<string, StatementState>();
  if (keys.length === 0) return found;
  const rows = await tx.$queryRawUnsafe<Array<StatementState & { speaker: string; saidAt: Date; text: string }>>(
    `SELECT s.speaker, s.said_at AS "saidAt", s.text, s.speaker_role AS "speakerRole", s.country_code AS "countryCode",
            s.medium::text, s.language, s.verification::text
     FROM statement s
     JOIN jsonb_to_recordset($1::jsonb) AS k(speaker text, said_at timestamptz, text text)
       ON s.speaker = k.speaker AND s.said_at = k.said_at AND s.text = k.text
     WHERE s.retracted_at IS NULL`,
    JSON.stringify(keys),
  );
  for (const row of rows) found.set(statementKey(row), row);
  return found;
}

async function loadEvents(tx: Tx, keys: ReadonlyArray<{ title: string; occurred_on: string }>) {
  const found = new Map<string, EventState>();
  if (keys.length === 0) return found;
  const rows = await tx.$queryRawUnsafe<Array<Omit<EventState, 'figureValue'> & { title: string; occurredOn: Date; figureValue: string | null }>>(
    `SELECT e.title, e.occurred_on AS "occurredOn", e.kind::text, e.description, e.country_code AS "countryCode",
            e.figure_value::text AS "figureValue", e.verification::text
     FROM event e
     JOIN jsonb_to_recordset($1::jsonb) AS k(title text, occurred_on date)
       ON e.title = k.title AND e.occurred_on = k.occurred_on
     WHERE e.retracted_at IS NULL`,
    JSON.stringify(keys),
  );
  for (const row of rows) found.set(eventKey(row), { ...row, figureValue: row.figureValue === null ? null : Number(row.figureValue) });
  return found;
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
