import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildHistory } from '../../scripts/passport-index/history';
import { convertPassportIndex, type Conversion } from '../../scripts/passport-index/convert';
import { readChangeRows, readHistories } from '../../scripts/passport-index/dataset';
import { countryCodes } from '../../scripts/passport-index/countries';
import { readValue, statusOf, titleOf } from '../../src/passport-index/passport-index.readings';
import { ALL_PASSPORTS_FILE, passportIndexDir, previousSnapshotOf, RU_POLICIES_FILE } from '../../src/passport-index/passport-index.source';
import { seedDir } from '../../src/common/paths';
import { readCsvRows } from '../../src/importer/csv-format';

const outputFile = path.join(seedDir, RU_POLICIES_FILE);
/** A value the data set wrote in `snapshot`, which changed after the snapshot before. */
const obs = (snapshot: string, raw: string) => ({ snapshot, previousSnapshot: previousSnapshotOf(snapshot), reading: readValue(raw, snapshot)! });
const XX = { passport: 'RU', destination: 'XX' };

let conversion: Conversion;
beforeAll(async () => {
  conversion = await convertPassportIndex();
});
const ruVersions = () => conversion.versions.filter((v) => v.passport === 'RU');

describe('passport index readings', () => {
  it('reads the 2019 codes by the data set README of the time: 3 visa-free, 2 visa on arrival, 1 eTA, 0 visa required', () => {
    expect(['3', '2', '1', '0'].map((raw) => readValue(raw, '2019-11-23')!.visaRequirement)).toEqual(['VISA_FREE', 'VISA_ON_ARRIVAL', 'E_VISA', 'VISA_REQUIRED']);
  });

  it("reads early-2020 ETA and VOA the other way round, as the data set's notebook wrote them", () => {
    expect(readValue('ETA', '2020-03-09')!.visaRequirement).toBe('VISA_ON_ARRIVAL');
    expect(readValue('VOA', '2020-03-09')!.visaRequirement).toBe('E_VISA');
    expect(readValue('90', '2020-03-09')).toMatchObject({ visaRequirement: 'VISA_FREE', maxStayDays: 90 });
  });

  it('maps legacy and current words, skips the passport itself, and refuses an unknown value', () => {
    expect(readValue('covid ban', '2021-01-25')).toMatchObject({ visaRequirement: 'NO_ADMISSION', special: 'covid ban' });
    expect(statusOf(readValue('Hayya Entry Permit', '2022-11-06')!)).toBe('CONDITIONAL');
    expect(statusOf(readValue('eta', '2025-01-12')!)).toBe('FACILITATED');
    expect(titleOf(readValue('360', '2022-01-05')!)).toBe('Visa-free for 360 days');
    expect(readValue('-1', '2022-01-05')).toBeNull();
    expect(() => readValue('maybe', '2022-01-05')).toThrow('unmapped value "maybe"');
  });

  it('keeps Namibia as NA and Kosovo as XK', async () => {
    const histories = readHistories(readChangeRows(await readFile(path.join(passportIndexDir, ALL_PASSPORTS_FILE))), await countryCodes(seedDir));
    const ru = histories.get('RU')!;
    expect(ru.get('NA')![0]!.snapshot).toBe('2019-11-23');
    expect(ru.get('XK')![0]!.snapshot).toBe('2019-11-23');
    expect(ru.has('RU')).toBe(false);
    expect(histories.get('NA')!.size).toBe(198);
    expect(histories.get('XK')!.size).toBe(198);
  });
});

describe('passport index histories', () => {
  it('emits a version only where the normalized value changes, not for a change of notation', () => {
    const versions = buildHistory(XX, [obs('2019-11-23', '0'), obs('2020-02-07', 'VR'), obs('2020-11-19', 'visa required'), obs('2021-01-25', 'e-visa')], []);
    expect(versions.map((v) => [v.kind, v.snapshot, v.previousSnapshot])).toEqual([
      ['first', '2019-11-23', null],
      ['change', '2021-01-25', '2020-11-19'],
    ]);
  });

  it('treats a first day count as a refinement and the 2025 eta category as a reclassification', () => {
    const versions = buildHistory(XX, [obs('2019-12-17', '3'), obs('2020-02-07', '60'), obs('2025-01-02', 'e-visa'), obs('2025-01-12', 'eta')], []);
    expect(versions.map((v) => v.kind)).toEqual(['first', 'refinement', 'change', 'reclassification']);
  });

  it('compares a change with the version in force: 30 days, then a bare "visa free", then 60 days is a change of rule', () => {
    const versions = buildHistory(XX, [obs('2021-01-25', '30'), obs('2021-02-24', 'visa free'), obs('2021-05-13', '60')], []);
    expect(versions.map((v) => [v.kind, v.snapshot, v.reading.maxStayDays, v.previousReading?.raw ?? null])).toEqual([
      ['first', '2021-01-25', 30, null],
      // The data set's previous value stays what the summary quotes.
      ['change', '2021-05-13', 60, 'visa free'],
    ]);
  });

  it("never lets a repeated 'visa required' follow a story version, but keeps a change the data set observes later", () => {
    const story = [{ effectiveFrom: '2022-09-01', visaRequirement: 'VISA_REQUIRED' as const, maxStayDays: null }];
    const versions = buildHistory({ passport: 'RU', destination: 'FI' }, [obs('2022-08-03', 'visa required'), obs('2022-09-10', 'visa required'), obs('2023-01-11', 'visa required'), obs('2024-01-05', 'e-visa')], story);
    expect(versions.map((v) => v.snapshot)).toEqual(['2022-08-03', '2024-01-05']);
  });

  it('drops observations that agree with a story version and keeps those that contradict it', () => {
    const story = [{ effectiveFrom: '2009-06-10', visaRequirement: 'VISA_FREE' as const, maxStayDays: 30 }];
    const versions = buildHistory({ passport: 'RU', destination: 'RS' }, [obs('2019-11-23', '3'), obs('2020-02-07', '90'), obs('2023-02-09', '30')], story);
    expect(versions.map((v) => [v.snapshot, v.reading.maxStayDays])).toEqual([
      ['2020-02-07', 90],
      ['2023-02-09', 30],
    ]);
  });

  it('refuses a data-set change on the very day a story version starts', () => {
    const story = [{ effectiveFrom: '2022-09-10', visaRequirement: 'VISA_REQUIRED' as const, maxStayDays: null }];
    expect(() => buildHistory({ passport: 'RU', destination: 'FI' }, [obs('2022-08-03', '90'), obs('2022-09-10', 'e-visa')], story)).toThrow('decide which one stands');
  });
});

describe('prisma/seed/passport-index-visas.csv', () => {
  it('is what the converter makes from the committed inputs (run `npm run data:passport-index` when it is not)', async () => {
    const csv = conversion.outputs.find((o) => o.file === outputFile)!.content;
    expect(await readFile(outputFile, 'utf8')).toBe(csv);
  });

  it('holds 515 versions of 197 destinations (the UAE\'s story versions agree with every snapshot)', async () => {
    const versions = ruVersions();
    const kinds = versions.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.kind]: (acc[v.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ first: 195, change: 247, refinement: 67, reclassification: 6 });
    const destinations = new Set(versions.map((v) => v.destination));
    expect(destinations.size).toBe(197);
    expect(destinations.has('AE')).toBe(false);
    const rows = readCsvRows(await readFile(outputFile, 'utf8'), 'passport-index-visas.csv');
    expect(rows).toHaveLength(515);
    expect(rows.filter((row) => row.problem)).toEqual([]);
  });
});
