import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertPassportIndex, staleOutputs, type Conversion } from '../../scripts/passport-index/convert';
import { seedDir } from '../../src/common/paths';
import { readCsvRows } from '../../src/importer/csv-format';
import { readPassportIndexPolicies } from '../../src/passport-index/passport-index.policies';
import type { PassportIndexPolicy } from '../../src/passport-index/passport-index.render';
import { ALL_PASSPORTS_FILE, passportIndexDir, RU_POLICIES_FILE, VERSIONS_FILE } from '../../src/passport-index/passport-index.source';
import { formatVersionsFile, parseVersionsFile, readVersionsFile } from '../../src/passport-index/passport-index.versions-file';

const versionsPath = path.join(passportIndexDir, VERSIONS_FILE);
const ruPath = path.join(seedDir, RU_POLICIES_FILE);
const HEADER = 'passport,destination,effectiveFrom,previousSnapshot,kind,visaRequirement,maxStayDays,raw,previousRaw';

let conversion: Conversion;
let policies: PassportIndexPolicy[];
beforeAll(async () => {
  conversion = await convertPassportIndex();
  policies = await readPassportIndexPolicies();
});

describe('prisma/seed/passport-index/passport-index-versions.csv', () => {
  it('is what the converter makes from the committed inputs (run `npm run data:passport-index` when it is not)', async () => {
    expect(await readFile(versionsPath, 'utf8')).toBe(conversion.outputs.find((o) => o.file === versionsPath)!.content);
  });

  it('reads back to exactly the converter\'s versions, in under 8 MB of plain text', async () => {
    const read = await readVersionsFile();
    expect(read).toHaveLength(conversion.versions.length);
    // Field by field (a deep toEqual of 98,000 objects takes seconds): the first that differs, if any.
    const differs = read.findIndex((version, index) => JSON.stringify(version) !== JSON.stringify(conversion.versions[index]));
    expect(differs === -1 ? null : { read: read[differs], converted: conversion.versions[differs] }).toBeNull();
    expect((await stat(versionsPath)).size).toBeLessThan(8 * 1024 * 1024);
  });

  it("renders, through the reader a loader imports, the Russian passport's policies exactly as the seed's passport-index-visas.csv holds them", async () => {
    const fromFile = readCsvRows(await readFile(ruPath, 'utf8'), RU_POLICIES_FILE).map((row) => row.data);
    const rendered = policies
      .filter((p) => p.nationality === 'RU')
      .map(({ nationality: _nationality, ...policy }) => ({
        ...Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== null)),
        sources: policy.sources.map((source) => Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined))),
      }));
    expect(fromFile).toHaveLength(515);
    expect(rendered).toEqual(fromFile);
  });

  it('renders other passports the same way, with their own notes and the snapshot as source', async () => {
    expect(policies.length).toBe(conversion.versions.length);
    const geRu = policies.filter((p) => p.nationality === 'GE' && p.countryCode === 'RU');
    expect(geRu.at(-1)).toMatchObject({ effectiveFrom: '2023-08-15', changedAfter: '2023-07-03', maxStayDays: 90, status: 'OPEN', title: 'Visa-free for 90 days' });
    expect(geRu.at(-1)!.summary).toContain('by a decree of the Russian President');
    expect(geRu.at(-1)!.sources[0]!.url).toContain('legacy/2023-08-15/passport-index-tidy-iso2.csv');
  });

  it('refuses a file that contradicts itself, naming the line', () => {
    const line = (cells: string) => `${HEADER}\nUA,PL,2019-11-23,,first,VISA_REQUIRED,,0,\n${cells}\n`;
    expect(() => parseVersionsFile('passport,destination\n')).toThrow('the header must be');
    expect(() => parseVersionsFile(line('UA,PL,2020-11-19,2020-05-09,change,VISA_FREE,,covid ban,VR'))).toThrow(
      'line 3: "covid ban" on 2020-11-19 reads NO_ADMISSION (no day count), not VISA_FREE (no day count)',
    );
    expect(() => parseVersionsFile(line('UA,PL,2020-11-19,2020-03-09,change,NO_ADMISSION,,covid ban,VR'))).toThrow('line 3: previousSnapshot must be 2020-05-09');
    expect(() => parseVersionsFile(line('UA,PL,2020-11-19,2020-05-09,guess,NO_ADMISSION,,covid ban,VR'))).toThrow('line 3: unknown kind "guess"');
    expect(() => parseVersionsFile(line('UA,PL,2020-11-19,2020-05-09,change,NO_ADMISSION,,"covid ban",VR'))).toThrow('line 3: is quoted');
    expect(() => parseVersionsFile(line('UA,PL,2020-11-19,2020-05-09,change,NO_ADMISSION,,covid ban,'))).toThrow('previousRaw must be empty exactly for a first observation');
    expect(() => parseVersionsFile(line('UA,PL,2020-11-19,2020-05-09,change,NO_ADMISSION,,covid ban'))).toThrow('line 3: has 8 fields; expected 9');
    expect(() => formatVersionsFile([{ ...conversion.versions[0]!, reading: { ...conversion.versions[0]!.reading, raw: 'a,b' } }])).toThrow('cannot be written');
  });
});

describe('npm run check:data', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passport-index-'));
    await mkdir(path.join(dir, 'passport-index'));
    for (const file of ['countries.csv', 'memberships.json', 'story.json', RU_POLICIES_FILE]) await copyFile(path.join(seedDir, file), path.join(dir, file));
    for (const file of [ALL_PASSPORTS_FILE, 'notes.json', VERSIONS_FILE]) await copyFile(path.join(passportIndexDir, file), path.join(dir, 'passport-index', file));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes on the committed files and names each generated file that is stale', async () => {
    expect(await staleOutputs(dir)).toEqual([]);
    const versions = path.join(dir, 'passport-index', VERSIONS_FILE);
    const text = await readFile(versions, 'utf8');
    await writeFile(versions, text.replace('\nRU,FI,2021-08-09,', '\nRU,FI,2021-08-10,'));
    expect(await staleOutputs(dir)).toEqual([versions]);
    // A new note on Finland's Russian versions makes the policies file stale too.
    const notes = path.join(dir, 'passport-index', 'notes.json');
    const parsed = JSON.parse(await readFile(notes, 'utf8')) as { notes: unknown[] };
    parsed.notes.push({ destination: 'FI', match: { visaRequirement: 'NO_ADMISSION' }, note: 'A test note.' });
    await writeFile(notes, JSON.stringify(parsed));
    expect(await staleOutputs(dir)).toEqual([path.join(dir, RU_POLICIES_FILE), versions]);
  });
});
