import { readCsvRows } from '../../src/importer/csv-format';
import { columnOfField } from '../../src/importer/csv-columns';

describe('CSV import format', () => {
  it('keeps every cell a string (Namibia stays NA), reads lists, numbers, figures and numbered sources', () => {
    const [row] = readCsvRows(
      'title,kind,occurredOn,countryCode,countryCodes,figureValue,figureUnit,sourceUrl,sourceTitle,sourceUrl2,sourceTitle2,sourcePublishedAt2\n' +
        'T,OTHER,2022-09-21,NA,RU; XK,12.5,things,https://a.example,A,https://b.example,B,2022-09-22\n',
      'e.csv',
    );
    expect(row).toMatchObject({
      kind: 'event',
      file: 'e.csv',
      line: 2,
      data: {
        countryCode: 'NA',
        countryCodes: ['RU', 'XK'],
        figure: { value: 12.5, unit: 'things' },
        sources: [{ url: 'https://a.example', title: 'A' }, { url: 'https://b.example', title: 'B', publishedAt: '2022-09-22' }],
      },
    });
  });

  it('reports the line where a record starts, even after a quoted cell spanning lines and blank lines', () => {
    const rows = readCsvRows('speaker,saidAt,text,medium,sourceUrl,sourceTitle\nA,2022-01-01T00:00:00Z,"two\nlines",TWEET,https://a.example,A\n\nB,2022-01-01T00:00:00Z,one,TWEET,https://a.example,A\n', 's.csv');
    expect(rows.map((r) => r.line)).toEqual([2, 5]);
    expect(rows[0]!.data.text).toBe('two\nlines');
  });

  it('names the column a validation path points at', () => {
    expect(columnOfField('policy.sources.0.url')).toBe('sourceUrl');
    expect(columnOfField('policy.sources.2.title')).toBe('sourceTitle3');
    expect(columnOfField('policy.sources')).toBe('sourceUrl');
    expect(columnOfField('event.figure.unit')).toBe('figureUnit');
    expect(columnOfField('statement.relatedPolicies.1.effectiveFrom')).toBe('relatedPolicies');
    expect(columnOfField('policy.effectiveFrom')).toBe('effectiveFrom');
    expect(columnOfField('statement')).toBe('statement');
  });

  it('refuses a malformed relatedPolicies cell on its own row', () => {
    const [row] = readCsvRows('speaker,saidAt,text,medium,relatedPolicies,sourceUrl,sourceTitle\nA,2022-01-01T00:00:00Z,t,TWEET,LT-ENTRY,https://a.example,A\n', 's.csv');
    expect(row!.problem).toEqual({ field: 'relatedPolicies', reason: '"LT-ENTRY" is not COUNTRY:CATEGORY:YYYY-MM-DD' });
  });
});
