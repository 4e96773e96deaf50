import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { countryCodes } from '../../scripts/passport-index/countries';
import { readChangeRows, readHistories, type ChangeRow } from '../../scripts/passport-index/dataset';
import { buildHistory } from '../../scripts/passport-index/history';
import { seedDir } from '../../src/common/paths';
import { ALL_PASSPORTS_FILE, passportIndexDir, SNAPSHOTS } from '../../src/passport-index/passport-index.source';

let rows: ChangeRow[];
let codes: Set<string>;
beforeAll(async () => {
  rows = readChangeRows(await readFile(path.join(passportIndexDir, ALL_PASSPORTS_FILE)));
  codes = await countryCodes(seedDir);
});

const HEADER = 'snapshot_date,previous_snapshot_date,passport_iso2,destination_iso2,requirement';
const file = (...lines: string[]) => [HEADER, ...lines].join('\n') + '\n';
const KNOWN = new Set(['UA', 'PL', 'NA', 'XK', 'QA']);

/** Each pair's raw value in every snapshot, carried forward where the file has no row (the file stores changes only). */
function fullSnapshots(passport: string): string[] {
  const mine = rows.filter((row) => row.passport === passport);
  const value = new Map<string, string>();
  const lines: string[] = [];
  for (const snapshot of SNAPSHOTS) {
    for (const row of mine.filter((r) => r.snapshot === snapshot)) {
      if (row.requirement === '') value.delete(row.destination);
      else value.set(row.destination, row.requirement);
    }
    for (const [destination, requirement] of value) lines.push(`${snapshot},${destination},${requirement}`);
  }
  return lines;
}

describe('passport-index-all.csv.gz, the single raw input', () => {
  it('holds 144,024 rows for 199 passports and 199 destinations, through the 53 snapshots of 2019-11-23 to 2025-01-12', () => {
    expect(rows).toHaveLength(144_024);
    expect(new Set(rows.map((r) => r.passport)).size).toBe(199);
    expect(new Set(rows.map((r) => r.destination)).size).toBe(199);
    expect(SNAPSHOTS).toHaveLength(53);
    // Three snapshots changed nothing; two of them are named nowhere in the file.
    const named = new Set(rows.flatMap((r) => [r.snapshot, r.previousSnapshot]));
    expect(SNAPSHOTS.filter((s) => !named.has(s))).toEqual(['2023-05-05', '2023-06-05']);
  });

  it('has every passport and destination code in the country table, Namibia as NA and Kosovo as XK (from memberships.json)', () => {
    const used = new Set(rows.flatMap((r) => [r.passport, r.destination]));
    expect([...used].filter((code) => !codes.has(code))).toEqual([]);
    expect(used.has('NA')).toBe(true);
    expect(used.has('XK')).toBe(true);
    expect(rows.filter((r) => r.passport === 'NA' && r.snapshot === '2019-11-23')).toHaveLength(198);
  });

  it('has, for Russian passports, the 53 full snapshots of the former passport-index-ru.csv byte for byte (720 rows: its changes)', () => {
    // The file was dropped once this file proved to hold it (commit 3f98df0 compared them row for row).
    // The digest is `git show 3f98df0:prisma/seed/passport-index/passport-index-ru.csv | tail -n +2 | LC_ALL=C sort | sha256sum`.
    expect(rows.filter((r) => r.passport === 'RU')).toHaveLength(720);
    const digest = createHash('sha256').update(`${fullSnapshots('RU').sort().join('\n')}\n`).digest('hex');
    expect(digest).toBe('ebc923be2f27a1587729cd3233bac20118482af74939f140c0cd06845160d9aa');
  });
});

describe('reading the changes file', () => {
  it('refuses a wrong header, a date that is not a snapshot, a wrong previous snapshot, and quoting', () => {
    expect(() => readChangeRows('snapshot,passport\n')).toThrow("the changes file's header must be");
    expect(() => readChangeRows(file('2021-01-01,2020-11-19,UA,PL,visa free'))).toThrow('line 2: 2021-01-01 is not a snapshot of the data set');
    expect(() => readChangeRows(file('2021-01-25,2020-05-09,UA,PL,visa free'))).toThrow('the snapshot before 2021-01-25 is 2020-11-19, not "2020-05-09"');
    expect(() => readChangeRows(file('2021-01-25,2020-11-19,UA,PL,"visa free"'))).toThrow('line 2 is quoted');
    expect(() => readChangeRows(file('2021-01-25,2020-11-19,UA,PL'))).toThrow('line 2 has 4 fields; expected 5');
  });

  it('keeps NA as a code, not a missing value, whichever side it is on', () => {
    const [row] = readChangeRows(file('2020-11-19,2020-05-09,NA,XK,visa required'));
    expect(row).toMatchObject({ passport: 'NA', destination: 'XK', requirement: 'visa required' });
    expect(readHistories([row!], KNOWN).get('NA')!.get('XK')).toHaveLength(1);
  });

  it('stops at a code outside the country table, at -1 anywhere but the own country, and at two rows for one pair and snapshot', () => {
    expect(() => readHistories(readChangeRows(file('2019-11-23,,UA,ZZ,0')), KNOWN)).toThrow('"ZZ" is not in the country table');
    expect(() => readHistories(readChangeRows(file('2020-11-19,2020-05-09,UA,PL,-1')), KNOWN)).toThrow('"-1" marks the passport\'s own country');
    expect(() => readHistories(readChangeRows(file('2020-11-19,2020-05-09,UA,UA,visa free')), KNOWN)).toThrow('"-1" marks the passport\'s own country');
    expect(readHistories(readChangeRows(file('2020-11-19,2020-05-09,UA,UA,-1')), KNOWN).size).toBe(0);
    expect(() => readHistories(readChangeRows(file('2019-11-23,,UA,PL,0', '2019-11-23,,UA,PL,3')), KNOWN)).toThrow('UA → PL on 2019-11-23: two rows');
  });

  it('lets a pair missing from a snapshot keep its value: an empty requirement, or no row at all, is no change', () => {
    const changes = file(
      '2019-11-23,,UA,PL,0',
      '2020-02-07,2019-12-17,UA,PL,VR',
      '2020-11-19,2020-05-09,UA,PL,visa required',
      '2021-01-25,2020-11-19,UA,PL,', // missing from this snapshot
      '2021-02-24,2021-01-25,UA,PL,visa required', // back, unchanged
      '2023-08-15,2023-07-03,UA,PL,90',
    );
    const observations = readHistories(readChangeRows(changes), KNOWN).get('UA')!.get('PL')!;
    expect(observations.map((o) => o.snapshot)).toEqual(['2019-11-23', '2020-02-07', '2020-11-19', '2021-02-24', '2023-08-15']);
    const versions = buildHistory({ passport: 'UA', destination: 'PL' }, observations, []);
    expect(versions.map((v) => [v.kind, v.snapshot, v.previousSnapshot, v.reading.visaRequirement, v.reading.maxStayDays])).toEqual([
      ['first', '2019-11-23', null, 'VISA_REQUIRED', null],
      // Not 2023-05-05 or 2023-06-05: those snapshots changed nothing, and the change lies after 2023-07-03.
      ['change', '2023-08-15', '2023-07-03', 'VISA_FREE', 90],
    ]);
  });

  it('refuses a value carried without a row into a notation where it reads differently', () => {
    // "3" is code 3 (visa-free) in 2019 but would be three days in early 2020: the data set rewrote every such value.
    expect(() => readHistories(readChangeRows(file('2019-11-23,,UA,PL,3')), KNOWN)).toThrow('keeps "3" of 2019-11-23 into the notation of 2020-02-07');
    // A day count means the same in every notation.
    expect(readHistories(readChangeRows(file('2020-02-07,2019-12-17,UA,PL,90')), KNOWN).get('UA')!.get('PL')).toHaveLength(1);
    // A pair missing from the data set keeps its meaning across the change, not its letters.
    const missing = file('2020-02-07,2019-12-17,UA,PL,VR', '2020-03-09,2020-02-07,UA,PL,');
    expect(readHistories(readChangeRows(missing), KNOWN).get('UA')!.get('PL')).toHaveLength(1);
  });
});
