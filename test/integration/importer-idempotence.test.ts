import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { openDatabase, type Database } from '../../src/db/database';
import { readImportFiles } from '../../src/importer/read-file';
import type { ImportRow } from '../../src/importer/import.types';
import { createServices, type Services } from '../../src/server/services';
import { openImportHarness, SRC, type ImportHarness } from '../helpers/importer';

/**
 * Issue 11, item 6: an import is idempotent when two run at once (the natural
 * keys of statements and events are locked like those of policies), and a row
 * matching a retracted record leaves it retracted.
 */
let h: ImportHarness;
beforeEach(async () => {
  h = await openImportHarness('bare');
});
afterEach(() => h.close());

const STATEMENTS = 'speaker,saidAt,text,medium,countryCode,relatedPolicies,sourceUrl,sourceTitle';
const EVENTS = 'title,kind,occurredOn,countryCode,countryCodes,figureValue,figureUnit,figureQualifier,sourceUrl,sourceTitle';
const POLICIES = 'countryCode,category,status,visaRequirement,maxStayDays,title,effectiveFrom,sourceUrl,sourceTitle';

async function rowsOf(files: Record<string, string[]>): Promise<ImportRow[]> {
  const paths = await Promise.all(Object.entries(files).map(([name, lines]) => h.file(name, `${lines.join('\n')}\n`)));
  return readImportFiles(paths);
}

/** Another process's importer: its own pool on the same database. */
async function otherImporter(): Promise<{ services: Services; db: Database }> {
  const db = await openDatabase({ url: h.testDb.url, dataDir: '', poolSize: 2, logger: pino({ level: 'silent' }) });
  const services = createServices(db, loadConfig({ NODE_ENV: 'test' }), { committed: () => undefined });
  await services.catalog.load();
  return { services, db };
}

const countOf = async (table: string) => Number((await h.db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

describe('two concurrent imports of the same file', () => {
  let other: { services: Services; db: Database };
  beforeEach(async () => {
    other = await otherImporter();
  });
  afterEach(() => other.db.close());

  it('write each statement and event once, with one feed item each', async () => {
    const statements = [STATEMENTS];
    const events = [EVENTS];
    for (let i = 0; i < 40; i += 1) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      statements.push(`Speaker ${i},2022-09-${day}T10:00:00Z,Words number ${i}.,TWEET,FI,,${SRC}`);
      events.push(`Event ${i},MIGRATION,2022-10-${day},FI,RU,${i + 1},people,EXACTLY,${SRC}`);
    }
    const rows = await rowsOf({ 's.csv': statements, 'e.csv': events });

    const [a, b] = await Promise.all([h.services.importer.run(rows), other.services.importer.run(rows)]);
    expect(a.rejected).toEqual([]);
    expect(b.rejected).toEqual([]);
    expect(a.created.statement + b.created.statement).toBe(40);
    expect(a.created.event + b.created.event).toBe(40);
    expect(a.unchanged.statement + b.unchanged.statement).toBe(40);
    expect(await countOf('statement')).toBe(40);
    expect(await countOf('event')).toBe(40);
    expect(await countOf('feed_entry')).toBe(80);
    expect(a.feedEntries + b.feedEntries).toBe(80);
  });

  it('of policies, statements about them and events, in small batches, finish without a deadlock and write everything once', async () => {
    const policies = [POLICIES];
    const statements = [STATEMENTS];
    const events = [EVENTS];
    const countries = ['EE', 'LV', 'LT', 'PL', 'FI', 'NO', 'GE', 'KZ'];
    for (const [n, country] of countries.entries()) {
      policies.push(`${country},ENTRY,OPEN,VISA_FREE,90,Open,2020-01-0${1 + (n % 9)},${SRC}`);
      policies.push(`${country},ENTRY,CLOSED,,,Closed,2022-09-${10 + n},${SRC}`);
      statements.push(`Minister of ${country},2022-09-${10 + n}T12:00:00Z,We close.,SPEECH,${country},${country}:ENTRY:2022-09-${10 + n},${SRC}`);
      events.push(`Queue at the ${country} border,MIGRATION,2022-09-${10 + n},${country},RU,${n + 10},cars,ABOUT,${SRC}`);
    }
    const rows = await rowsOf({ 'p.csv': policies, 's.csv': statements, 'e.csv': events });

    const [a, b] = await Promise.all([h.services.importer.run(rows, { batchSize: 5 }), other.services.importer.run([...rows].reverse(), { batchSize: 3 })]);
    expect([...a.rejected, ...b.rejected]).toEqual([]);
    expect(a.created.policy + b.created.policy).toBe(16);
    expect(await countOf('policy')).toBe(16);
    expect(await countOf('statement')).toBe(8);
    expect(await countOf('event')).toBe(8);
    expect(await countOf('statement_policy')).toBe(8);
    expect(await countOf('feed_entry')).toBe(32);
  });
});

describe('an import after a retraction', () => {
  it('leaves retracted policy versions, statements and events retracted, adding no row and no feed item', async () => {
    const files = {
      'p.csv': [
        POLICIES,
        `FI,ENTRY,OPEN,VISA_FREE,90,Open,2019-01-01,${SRC}`,
        `FI,ENTRY,RESTRICTED,,,Schengen visas only,2022-09-01,${SRC}`,
        `FI,ENTRY,CLOSED,,,Closed,2022-09-30,${SRC}`,
        // A later snapshot of the same rule: unchanged the first time (the version above covers it).
        `FI,ENTRY,CLOSED,,,Closed,2023-01-15,${SRC}`,
        `EE,ENTRY,CLOSED,,,Closed,2022-09-19,${SRC}`,
      ],
      's.csv': [STATEMENTS, `Sanna Marin,2022-09-23T09:00:00Z,We decide.,SPEECH,FI,,${SRC}`, `Kaja Kallas,2022-09-19T09:00:00Z,We closed.,TWEET,EE,,${SRC}`],
      'e.csv': [EVENTS, `Queue at Vaalimaa,MIGRATION,2022-09-24,FI,RU,8572,people,EXACTLY,${SRC}`, `Queue at Narva,MIGRATION,2022-09-24,EE,RU,,,,${SRC}`],
    };
    const first = await h.services.importer.run(await rowsOf(files));
    expect(first.created).toEqual({ policy: 4, statement: 2, event: 2 });

    const fi = await h.db.prisma.policy.findMany({ where: { countryCode: 'FI' }, orderBy: { effectiveFrom: 'asc' } });
    const statement = await h.db.prisma.statement.findFirstOrThrow({ where: { speaker: 'Sanna Marin' } });
    const event = await h.db.prisma.event.findFirstOrThrow({ where: { title: 'Queue at Vaalimaa' } });
    // The current version and the one before it, a statement and an event are found wrong.
    for (const id of [fi[2]!.id, fi[1]!.id, statement.id, event.id]) await h.services.retractions.retract(id, 'Found wrong');
    const before = await h.counts();
    const published = h.published.length;

    const again = await h.services.importer.run(await rowsOf(files));
    expect(again.rejected).toEqual([]);
    expect(again.created).toEqual({ policy: 0, statement: 0, event: 0 });
    expect(again.retracted).toEqual({ policy: 3, statement: 1, event: 1 });
    expect(again.unchanged).toEqual({ policy: 2, statement: 1, event: 1 });
    expect(again.feedEntries).toBe(0);
    expect(await h.counts()).toEqual(before);
    expect(h.published).toHaveLength(published);
    const versions = await h.db.prisma.policy.findMany({ where: { countryCode: 'FI', retractedAt: null } });
    expect(versions.map((v) => [v.title, v.effectiveTo])).toEqual([['Open', null]]);
  });

  it('creates a corrected statement or event (same natural key, other details) once the wrong one is retracted', async () => {
    const wrong = { 's.csv': [STATEMENTS, `Sanna Marin,2022-09-23T09:00:00Z,We decide.,TWEET,FI,,${SRC}`], 'e.csv': [EVENTS, `Queue at Vaalimaa,MIGRATION,2022-09-24,FI,RU,857,people,EXACTLY,${SRC}`] };
    const right = { 's.csv': [STATEMENTS, `Sanna Marin,2022-09-23T09:00:00Z,We decide.,SPEECH,FI,,${SRC}`], 'e.csv': [EVENTS, `Queue at Vaalimaa,MIGRATION,2022-09-24,FI,RU,8572,people,EXACTLY,${SRC}`] };
    await h.services.importer.run(await rowsOf(wrong));
    for (const record of [await h.db.prisma.statement.findFirstOrThrow(), await h.db.prisma.event.findFirstOrThrow()]) {
      await h.services.retractions.retract(record.id, 'Misquoted');
    }
    const corrected = await h.services.importer.run(await rowsOf(right));
    expect(corrected.created).toEqual({ policy: 0, statement: 1, event: 1 });
    // The old file again: its rows are the retracted records, not conflicts with the corrections.
    const old = await h.services.importer.run(await rowsOf(wrong));
    expect(old.rejected).toEqual([]);
    expect(old.retracted).toEqual({ policy: 0, statement: 1, event: 1 });
    expect(await h.db.prisma.statement.count({ where: { retractedAt: null } })).toBe(1);
    expect(await h.db.prisma.event.count({ where: { retractedAt: null } })).toBe(1);
  });
});
