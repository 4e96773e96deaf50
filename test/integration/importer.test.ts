import { readImportFile } from '../../src/importer/read-file';
import { openImportHarness, SRC, type ImportHarness } from '../helpers/importer';

let h: ImportHarness;
beforeEach(async () => {
  h = await openImportHarness('bare');
});
afterEach(() => h.close());

const POLICY_HEADER = 'countryCode,category,status,visaRequirement,maxStayDays,title,effectiveFrom,changedAfter,sourceUrl,sourceTitle';

async function importCsv(name: string, lines: string[]) {
  const rows = await readImportFile(await h.file(name, `${lines.join('\n')}\n`));
  return h.services.importer.run(rows);
}

describe('importer', () => {
  it('imports a file twice and changes nothing the second time: no rows, no feed items', async () => {
    const policies = [
      POLICY_HEADER,
      `GE,VISA,OPEN,VISA_FREE,360,Visa-free for 360 days,2020-02-07,,${SRC}`,
      `FI,VISA,CONDITIONAL,VISA_REQUIRED,,Visa required,2019-11-23,,${SRC}`,
      `FI,VISA,RESTRICTED,VISA_REQUIRED,,Visas cut to a tenth,2022-09-01,,${SRC}`,
    ];
    const statements = ['speaker,saidAt,text,medium,countryCode,relatedPolicies,sourceUrl,sourceTitle', `Someone,2022-09-02T10:00:00Z,We said it.,TWEET,FI,FI:VISA:2022-09-01,${SRC}`];
    const events = ['title,kind,occurredOn,countryCode,countryCodes,figureValue,figureUnit,figureQualifier,sourceUrl,sourceTitle', `Something happened,MIGRATION,2022-09-21,FI,RU;EE,4824,people,EXACTLY,${SRC}`];

    const first = [await importCsv('p.csv', policies), await importCsv('s.csv', statements), await importCsv('e.csv', events)];
    expect(first.map((r) => r.created)).toEqual([
      { policy: 3, statement: 0, event: 0 },
      { policy: 0, statement: 1, event: 0 },
      { policy: 0, statement: 0, event: 1 },
    ]);
    expect(first.map((r) => r.feedEntries)).toEqual([3, 1, 1]);
    const before = await h.counts();
    const published = h.published.length;

    const second = [await importCsv('p.csv', policies), await importCsv('s.csv', statements), await importCsv('e.csv', events)];
    for (const report of second) {
      expect(report.created).toEqual({ policy: 0, statement: 0, event: 0 });
      expect(report.feedEntries).toBe(0);
      expect(report.rejected).toEqual([]);
    }
    expect(second.map((r) => r.unchanged)).toEqual([
      { policy: 3, statement: 0, event: 0 },
      { policy: 0, statement: 1, event: 0 },
      { policy: 0, statement: 0, event: 1 },
    ]);
    expect(await h.counts()).toEqual(before);
    expect(h.published).toHaveLength(published);
  });

  it('turns a changed row into a new version that closes the previous one, with one feed item each', async () => {
    await importCsv('a.csv', [POLICY_HEADER, `KZ,VISA,OPEN,VISA_FREE,90,Visa-free for 90 days,2020-02-07,,${SRC}`]);
    const report = await importCsv('b.csv', [
      POLICY_HEADER,
      `KZ,VISA,OPEN,VISA_FREE,90,Visa-free for 90 days,2020-02-07,,${SRC}`,
      `KZ,VISA,OPEN,VISA_FREE,30,Visa-free for 30 days,2022-10-05,2022-09-10,${SRC}`,
    ]);
    expect(report.created.policy).toBe(1);
    expect(report.unchanged.policy).toBe(1);
    expect(report.feedEntries).toBe(1);

    const versions = await h.db.prisma.policy.findMany({ where: { countryCode: 'KZ' }, orderBy: { effectiveFrom: 'asc' } });
    expect(versions.map((v) => [v.maxStayDays, v.effectiveFrom.toISOString().slice(0, 10), v.effectiveTo?.toISOString().slice(0, 10) ?? null])).toEqual([
      [90, '2020-02-07', '2022-10-05'],
      [30, '2022-10-05', null],
    ]);
    expect(versions[1]!.previousId).toBe(versions[0]!.id);
    expect(versions[1]!.changedAfter?.toISOString().slice(0, 10)).toBe('2022-09-10');
    const entries = await h.db.prisma.feedEntry.findMany({ where: { policyId: versions[1]!.id } });
    expect(entries).toHaveLength(1);
    // The same entry an editor's change writes: policyChanged subscribers filter imports by category and status too.
    expect(entries[0]).toMatchObject({
      kind: 'POLICY_CHANGE',
      direction: 'STRICTER',
      previousPolicyId: versions[0]!.id,
      countryCodes: ['KZ'],
      nationality: 'RU',
      category: 'VISA',
      status: 'OPEN',
    });
  });

  it('applies rows in date order whatever their order in the file, and numbers the feed in that order', async () => {
    const report = await importCsv('c.csv', [
      POLICY_HEADER,
      `TH,VISA,OPEN,VISA_FREE,45,Visa-free for 45 days,2022-12-21,2022-11-06,${SRC}`,
      `TH,VISA,OPEN,VISA_FREE,30,Visa-free for 30 days,2020-02-07,,${SRC}`,
      `TH,VISA,OPEN,VISA_FREE,30,Visa-free for 30 days,2023-08-15,2023-07-03,${SRC}`,
    ]);
    expect(report.created.policy).toBe(3);
    const entries = await h.db.prisma.feedEntry.findMany({ orderBy: { seq: 'asc' } });
    expect(entries.map((e) => e.direction)).toEqual(['NEW', 'LOOSER', 'STRICTER']);
    expect(h.published.map((e) => Number(e.seq))).toEqual([1, 2, 3]);
  });

  it('hands each committed feed item to the publisher exactly once, across batches', async () => {
    const lines = [POLICY_HEADER];
    for (let i = 0; i < 25; i += 1) lines.push(`DE,VISA,CONDITIONAL,VISA_REQUIRED,,Visa required (${i}),20${String(10 + i).padStart(2, '0')}-01-01,,${SRC}`);
    const rows = await readImportFile(await h.file('many.csv', `${lines.join('\n')}\n`));
    const progress: number[] = [];
    const report = await h.services.importer.run(rows, { batchSize: 10, onProgress: (done) => progress.push(done) });
    expect(report.feedEntries).toBe(25);
    expect(progress).toEqual([0, 10, 20, 25]);
    expect(h.published.map((e) => Number(e.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(h.published.map((e) => e.policyId)).size).toBe(25);
  });

  it('reports a dry run without writing or publishing anything', async () => {
    const before = await h.counts();
    const rows = await readImportFile(await h.file('d.csv', `${POLICY_HEADER}\nEE,VISA,CONDITIONAL,VISA_REQUIRED,,Visa required,2019-11-23,,${SRC}\n`));
    const report = await h.services.importer.run(rows, { dryRun: true });
    expect(report.created.policy).toBe(1);
    expect(report.feedEntries).toBe(1);
    expect(await h.counts()).toEqual(before);
    expect(h.published).toEqual([]);
  });

  it('keeps a statement and an event by natural key, and refuses the same key with other details', async () => {
    const header = 'speaker,saidAt,text,medium,countryCode,sourceUrl,sourceTitle';
    await importCsv('s1.csv', [header, `Kaja Kallas,2022-08-09T00:00:00Z,Words.,TWEET,EE,${SRC}`]);
    const report = await importCsv('s2.csv', [header, `Kaja Kallas,2022-08-09T00:00:00Z,Words.,SPEECH,EE,${SRC}`, `Kaja Kallas,2022-08-09T00:00:00Z,Words.,TWEET,EE,https://example.org/other,Other`]);
    expect(report.unchanged.statement).toBe(1);
    expect(report.rejected).toEqual([expect.objectContaining({ line: 2, field: 'statement', reason: expect.stringContaining('same natural key') })]);
    expect(await h.db.prisma.statement.count()).toBe(1);
  });
});
