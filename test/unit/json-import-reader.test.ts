import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImportFileError } from '../../src/importer/import.types';
import { readJsonRows } from '../../src/importer/json-format';
import { readImportFile } from '../../src/importer/read-file';

function refusal(text: string): string {
  try {
    readJsonRows(text, 'story.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('readJsonRows', () => {
  it('reads each record with the line where it starts, whatever the section order', () => {
    const text = [
      '{', //                                    1
      '  "about": "metadata is skipped",', //    2
      '  "statements": [', //                    3
      '    { "speaker": "A" },', //              4
      '    {', //                                5
      '      "speaker": "B"', //                 6
      '    }', //                                7
      '  ],', //                                 8
      '  "policies": [{ "countryCode": "FI" },', // 9
      '', //                                     10
      '    { "countryCode": "EE" }],', //       11
      '  "events": []', //                       12
      '}', //                                    13
    ].join('\n');
    expect(readJsonRows(text, 'story.json')).toEqual([
      { file: 'story.json', kind: 'statement', line: 4, data: { speaker: 'A' } },
      { file: 'story.json', kind: 'statement', line: 5, data: { speaker: 'B' } },
      { file: 'story.json', kind: 'policy', line: 9, data: { countryCode: 'FI' } },
      { file: 'story.json', kind: 'policy', line: 11, data: { countryCode: 'EE' } },
    ]);
  });

  it('counts lines the same with Windows line endings', () => {
    const rows = readJsonRows('{\r\n"events": [\r\n{ "title": "x" },\r\n{ "title": "y" }\r\n]\r\n}', 'story.json');
    expect(rows.map((row) => row.line)).toEqual([3, 4]);
  });

  it('names the line of a syntax error', () => {
    expect(refusal('{\n  "policies": [\n    { "countryCode": "FI", }\n  ]\n}')).toMatch(/^story\.json: not valid JSON at line 3 \(/);
    expect(refusal('{\n"policies": [\n{ "a": 1 }\n\n// a comment\n]}')).toContain('at line 5');
  });

  it('names the line of an unknown section and of an entry that is not an object', () => {
    expect(refusal('{\n  "policies": [],\n\n  "laws": []\n}')).toBe(
      'story.json: unknown section "laws" at line 4; expected policies, statements or events',
    );
    expect(refusal('{\n  "events": [\n    {},\n    "not an object"\n  ]\n}')).toBe('story.json: line 4: each entry of "events" must be an object');
  });

  it('refuses a file that is not an object of lists', () => {
    expect(refusal('[]')).toContain('expected an object');
    expect(refusal('{ "policies": {} }')).toBe('story.json: "policies" must be a list');
  });
});

describe('readImportFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'borderwatch-import-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a UTF-8 file, a byte-order mark included', async () => {
    const file = path.join(dir, 'bom.json');
    await writeFile(file, `\ufeff{\n"events": [\n{ "title": "Åland" }\n]\n}`);
    expect(await readImportFile(file)).toEqual([{ file, kind: 'event', line: 3, data: { title: 'Åland' } }]);
  });

  it('refuses a file that is not UTF-8, of another type, or missing, before anything is written', async () => {
    const latin1 = path.join(dir, 'latin1.json');
    await writeFile(latin1, Buffer.from([0x7b, 0x22, 0xc5, 0x22, 0x7d]));
    await expect(readImportFile(latin1)).rejects.toThrow('not valid UTF-8');
    const text = path.join(dir, 'rows.txt');
    await writeFile(text, 'a,b\n');
    await expect(readImportFile(text)).rejects.toThrow('unsupported file type');
    await expect(readImportFile(path.join(dir, 'missing.json'))).rejects.toThrow('cannot be read (ENOENT)');
  });
});
