import { lockInOrder, policyLock, recordLock } from '../db/locks';
import type { Prisma } from '../generated/prisma/client';
import { selectEventsByKey, selectStatementIds, selectStatementsByKey, selectVersions } from './import-state.sql';
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
  const statements: Array<{ speaker: string; saidAt: Date; text: string }> = [];
  const events: Array<{ title: string; occurredOn: Date }> = [];
  const replyIds: string[] = [];
  for (const item of batch) {
    if (item.kind === 'policy') keys.set(policyKey(item.input), item.input);
    if (item.kind === 'statement') {
      item.refs.forEach((ref) => keys.set(policyKey(ref), ref));
      statements.push(item.input);
      if (item.input.replyToId) replyIds.push(item.input.replyToId);
    }
    if (item.kind === 'event') events.push(item.input);
  }
  const versions = await loadVersions(tx, [...keys.values()]);
  return {
    versions: versions.live,
    retractedVersions: versions.retracted,
    statements: await loadStatements(tx, statements),
    events: await loadEvents(tx, events),
    statementIds: await selectStatementIds(tx, replyIds),
  };
}

async function loadVersions(tx: Tx, keys: ReadonlyArray<{ countryCode: string; nationality: string; category: string }>) {
  const live = new Map<string, VersionState[]>();
  const retracted = new Map<string, VersionState[]>();
  for (const { retracted: isRetracted, ...row } of await selectVersions(tx, keys)) {
    const byKey = isRetracted ? retracted : live;
    const key = policyKey(row);
    const list = byKey.get(key) ?? [];
    list.push({ ...row, maxStayDays: row.maxStayDays === null ? null : Number(row.maxStayDays) });
    byKey.set(key, list);
  }
  return { live, retracted };
}

async function loadStatements(tx: Tx, keys: ReadonlyArray<{ speaker: string; saidAt: Date; text: string }>) {
  const found = new Map<string, Keyed<StatementState>>();
  for (const { retracted, ...row } of await selectStatementsByKey(tx, keys)) addKeyed(found, statementKey(row), row, retracted);
  return found;
}

async function loadEvents(tx: Tx, keys: ReadonlyArray<{ title: string; occurredOn: Date }>) {
  const found = new Map<string, Keyed<EventState>>();
  for (const { retracted, ...row } of await selectEventsByKey(tx, keys)) {
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
