import { ImportFileError } from '../../src/importer/import.types';
import { readImportFile } from '../../src/importer/read-file';
import { openImportHarness, SRC, type ImportHarness } from '../helpers/importer';

let h: ImportHarness;
beforeAll(async () => {
  h = await openImportHarness('bare');
});
afterAll(() => h.close());

const HEADER = 'countryCode,category,status,visaRequirement,maxStayDays,title,effectiveFrom,changedAfter,sourceUrl,sourceTitle,sourceUrl2,sourceTitle2';

describe('importer, bad rows', () => {
  it('reports each bad policy row with file, line, column and reason, and still imports the good ones', async () => {
    const long = 'x'.repeat(201);
    const file = await h.file(
      'bad-policies.csv',
      [
        HEADER,
        `NO,VISA,CONDITIONAL,VISA_REQUIRED,,Visa required,2019-11-23,,${SRC},,`, // 2 good
        `QQ,VISA,OPEN,VISA_FREE,30,Visa-free for 30 days,2020-01-01,,${SRC},,`, // 3 unknown country
        `IS,VISA,OPEN,VISA_FREE,30,Visa-free for 30 days,2022-02-30,,${SRC},,`, // 4 no such day
        `IS,VISA,OPEN,VISA_FREE,30,,2022-02-01,,${SRC},,`, // 5 empty title
        `IS,VISA,OPEN,VISA_FREE,30,Visa-free,2022-02-01,,ftp://example.org/x,A source,,`, // 6 non-http URL
        `IS,VISA,OPEN,VISA_FREE,30,Visa-free,2022-02-01,,,,,`, // 7 no source
        `IS,VISA,OPEN,VISA_FREE,30,${long},2022-02-01,,${SRC},,`, // 8 oversized
        `IS,VISA,OPEN,VISA_FREE,30,Visa-free,2022-02-01,2022-03-01,${SRC},,`, // 9 changedAfter after effectiveFrom
        `IS,VISA,OPEN,VISA_FREE,thirty,Visa-free,2022-02-01,,${SRC},,`, // 10 not a number
        `IS,VISA,AJAR,VISA_FREE,30,Visa-free,2022-02-01,,${SRC},,`, // 11 unknown status
        `IS,VISA,OPEN,VISA_FREE,30,Visa-free,2022-02-01,,${SRC},https://example.org/2,`, // 12 second source without a title
        `IS,VISA,OPEN,VISA_FREE,30,Visa-free,2022-02-01`, // 13 too few fields
        `"IS",VISA,OPEN,VISA_FREE,30,"Visa-free, ""quoted""",2022-02-01,,${SRC},,`, // 14 good
      ].join('\n'),
    );
    const report = await h.services.importer.run(await readImportFile(file));
    expect(report.created.policy).toBe(2);
    expect(report.rejected.map(({ file: f, line, field, reason }) => [f === file, line, field, reason])).toEqual([
      [true, 3, 'countryCode', 'unknown country code "QQ"'],
      [true, 4, 'effectiveFrom', '"2022-02-30" is not a date in the form YYYY-MM-DD'],
      [true, 5, 'title', 'must not be empty'],
      [true, 6, 'sourceUrl', 'must be an absolute http(s) URL'],
      [true, 7, 'sourceUrl', 'must list at least one source'],
      [true, 8, 'title', 'must be at most 200 characters'],
      [true, 9, 'changedAfter', 'must be before effectiveFrom'],
      [true, 10, 'maxStayDays', '"thirty" is not a number'],
      [true, 11, 'status', expect.stringContaining('OPEN')],
      [true, 12, 'sourceTitle2', expect.any(String)],
      [true, 13, 'row', 'has 7 fields; the header has 12'],
    ]);
    const titles = await h.db.prisma.policy.findMany({ select: { title: true }, orderBy: { countryCode: 'asc' } });
    expect(titles.map((t) => t.title)).toEqual(['Visa-free, "quoted"', 'Visa required']);
  });

  it('refuses a version that starts before the current one: a history can only be appended to', async () => {
    const file = await h.file('older.csv', `${HEADER}\nNO,VISA,CONDITIONAL,E_VISA,,E-visa required,2018-01-01,,${SRC},,\n`);
    const report = await h.services.importer.run(await readImportFile(file));
    expect(report.created.policy).toBe(0);
    expect(report.rejected).toEqual([
      { file, line: 2, kind: 'policy', field: 'effectiveFrom', reason: 'must not be before 2019-11-23, when the current version took effect; history can only be appended' },
    ]);
  });

  it('reports bad statements and events by line in a JSON file', async () => {
    const file = await h.file(
      'bad.json',
      JSON.stringify(
        {
          statements: [
            { speaker: 'A', saidAt: '2022-09-23', text: 'No time zone.', medium: 'TWEET', sources: [{ url: 'https://example.org/a', title: 'A' }] },
            { speaker: 'B', saidAt: '2022-09-23T00:00:00Z', text: '   ', medium: 'TWEET', sources: [{ url: 'https://example.org/b', title: 'B' }] },
            {
              speaker: 'C',
              saidAt: '2022-09-23T00:00:00Z',
              text: 'About a version that is not there.',
              medium: 'TWEET',
              relatedPolicies: [{ countryCode: 'LT', category: 'ENTRY', effectiveFrom: '2022-09-19' }],
              sources: [{ url: 'https://example.org/c', title: 'C' }],
            },
            {
              speaker: 'D',
              saidAt: '2022-09-23T00:00:00Z',
              text: 'About a passport that is no country.',
              medium: 'TWEET',
              relatedPolicies: [{ countryCode: 'LT', category: 'ENTRY', effectiveFrom: '2022-09-19', nationality: 'QQ' }],
              sources: [{ url: 'https://example.org/d', title: 'D' }],
            },
          ],
          events: [
            { title: 'No figure unit', kind: 'MIGRATION', occurredOn: '2022-09-21', figure: { value: 3 }, sources: [{ url: 'https://example.org/d', title: 'D' }] },
            { title: 'Fine', kind: 'OTHER', occurredOn: '2022-09-21', countryCodes: ['RU', 'XX'], sources: [{ url: 'https://example.org/e', title: 'E' }] },
            { title: 'Fine', kind: 'OTHER', occurredOn: '2022-09-22', countryCode: 'NA', sources: [{ url: 'https://example.org/f', title: 'F' }] },
          ],
        },
        null,
        2,
      ),
    );
    const report = await h.services.importer.run(await readImportFile(file));
    expect(report.created).toEqual({ policy: 0, statement: 0, event: 1 });
    expect(report.rejected.map(({ line, field }) => [line, field])).toEqual([
      [3, 'statement.saidAt'],
      [15, 'statement.text'],
      [27, 'statement.relatedPolicies.0'],
      [46, 'statement.relatedPolicies.0.nationality'],
      [68, 'event.figure.unit'],
      [82, 'event.countryCodes.1'],
    ]);
    expect(await h.db.prisma.event.findFirst({ where: { countryCode: 'NA' } })).not.toBeNull();
  });
});

describe('importer, malformed files', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['latin1.csv', Buffer.concat([Buffer.from(`${HEADER}\nDE,VISA,OPEN,VISA_FREE,90,Caf`), Buffer.from([0xe9]), Buffer.from(`,2020-01-01,,${SRC},,\n`)]), /not valid UTF-8/],
    ['unknown-column.csv', `${HEADER},colour\n`, /unknown column "colour" \(column 13\)/],
    ['missing-column.csv', 'countryCode,category,status,title,sourceUrl,sourceTitle\n', /missing column effectiveFrom/],
    ['which-kind.csv', 'title,sourceUrl,sourceTitle\n', /cannot tell which kind/],
    ['duplicate.csv', 'countryCode,category,status,title,effectiveFrom,sourceUrl,sourceTitle,title\n', /appears twice/],
    ['broken.json', '{ "policies": [ { "countryCode": "DE", } ] }', /not valid JSON at line 1/],
    ['section.json', '{ "rules": [] }', /unknown section "rules"/],
    ['notes.txt', 'hello', /unsupported file type/],
  ];

  it.each(cases)('refuses %s before writing anything', async (name, content, message) => {
    const before = await h.counts();
    const file = await h.file(name, content);
    await expect(readImportFile(file)).rejects.toThrow(ImportFileError);
    await expect(readImportFile(file)).rejects.toThrow(message);
    expect(await h.counts()).toEqual(before);
  });
});
