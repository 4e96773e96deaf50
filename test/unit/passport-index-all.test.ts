import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { convertPassportIndex, type Conversion } from '../../scripts/passport-index/convert';
import { readChangeRows, type ChangeRow } from '../../scripts/passport-index/dataset';
import { storyVisas } from '../../scripts/passport-index/overrides';
import { policyOf } from '../../src/passport-index/passport-index.render';
import { readNotes, type Note } from '../../src/passport-index/passport-index.notes';
import { ALL_PASSPORTS_FILE, LATEST_SNAPSHOT, passportIndexDir } from '../../src/passport-index/passport-index.source';
import type { DatasetVersion } from '../../src/passport-index/passport-index.version';
import { seedDir } from '../../src/common/paths';

let conversion: Conversion;
let rows: ChangeRow[];
let notes: Note[];
let story: Array<Record<string, unknown>>;
beforeAll(async () => {
  conversion = await convertPassportIndex();
  rows = readChangeRows(await readFile(path.join(passportIndexDir, ALL_PASSPORTS_FILE)));
  notes = await readNotes();
  story = (JSON.parse(await readFile(path.join(seedDir, 'story.json'), 'utf8')) as { policies: Array<Record<string, unknown>> }).policies;
});

const versionsOf = (passport: string, destination: string) =>
  conversion.versions.filter((v) => v.passport === passport && v.destination === destination);
const brief = (v: DatasetVersion) => [v.kind, v.snapshot, v.previousSnapshot, v.reading.visaRequirement, v.reading.maxStayDays, v.reading.special];

describe('every passport, read with the same rules as Russian passports', () => {
  it('reads the 2019 codes, the swapped early-2020 letters and the words, and emits nothing for a change of notation alone', () => {
    // Raw rows: UA → BO 2 (2019-11-23), ETA (2020-02-07), visa on arrival (2020-11-19); nothing after.
    expect(versionsOf('UA', 'BO').map(brief)).toEqual([['first', '2019-11-23', null, 'VISA_ON_ARRIVAL', null, null]]);
    // DE → AU: 1, VOA, e-visa, covid ban (2021-01-25), e-visa (2022-01-05), eta (2025-01-12).
    expect(versionsOf('DE', 'AU').map(brief)).toEqual([
      ['first', '2019-11-23', null, 'E_VISA', null, null],
      ['change', '2021-01-25', '2020-11-19', 'NO_ADMISSION', null, 'covid ban'],
      ['change', '2022-01-05', '2021-12-14', 'E_VISA', null, null],
      ['reclassification', '2025-01-12', '2025-01-02', 'ETA', null, null],
    ]);
    // BY → PL: 0, VR, covid ban (2020-11-19), visa required (2022-03-06).
    expect(versionsOf('BY', 'PL').map(brief)).toEqual([
      ['first', '2019-11-23', null, 'VISA_REQUIRED', null, null],
      ['change', '2020-11-19', '2020-05-09', 'NO_ADMISSION', null, 'covid ban'],
      ['change', '2022-03-06', '2022-02-10', 'VISA_REQUIRED', null, null],
    ]);
    const [first] = versionsOf('BY', 'PL');
    expect(policyOf(first!, notes).summary).toContain('The data set wrote "0", code 0 of the 2019 notation: visa required.');
  });

  it('reads day counts, the Covid-19 ban and the Hayya card (UA → QA), and a change of stay (IN → TH)', () => {
    // UA → QA: 3, 90 (2020-02-07), covid ban, 90 (2021-08-09), Hayya Entry Permit (2022-11-06), 90 (2023-01-11), visa on arrival (2023-03-12).
    const qa = versionsOf('UA', 'QA');
    expect(qa.map(brief)).toEqual([
      ['first', '2019-11-23', null, 'VISA_FREE', null, null],
      ['refinement', '2020-02-07', '2019-12-17', 'VISA_FREE', 90, null],
      ['change', '2020-11-19', '2020-05-09', 'NO_ADMISSION', null, 'covid ban'],
      ['change', '2021-08-09', '2021-05-13', 'VISA_FREE', 90, null],
      ['change', '2022-11-06', '2022-10-05', 'ETA', null, 'hayya'],
      ['change', '2023-01-11', '2022-12-21', 'VISA_FREE', 90, null],
      ['change', '2023-03-12', '2023-02-09', 'VISA_ON_ARRIVAL', null, null],
    ]);
    expect(policyOf(qa[2]!, notes)).toMatchObject({ status: 'CLOSED', title: 'Entry banned for most travellers under Covid-19 rules', changedAfter: '2020-05-09' });
    expect(policyOf(qa[4]!, notes)).toMatchObject({ status: 'CONDITIONAL', title: 'Entry only with a Hayya card, the FIFA World Cup 2022 fan ID' });
    expect(policyOf(qa[1]!, notes)).toMatchObject({ title: 'Visa-free for 90 days', changedAfter: null });
    // IN → TH: 2, ETA, covid ban, visa on arrival (2021-11-21), 30 (2024-02-07), visa required (2024-05-27), 30 (2024-06-10), 60 (2024-08-03).
    expect(versionsOf('IN', 'TH').map((v) => [v.kind, v.snapshot, v.reading.visaRequirement, v.reading.maxStayDays])).toEqual([
      ['first', '2019-11-23', 'VISA_ON_ARRIVAL', null],
      ['change', '2020-11-19', 'NO_ADMISSION', null],
      ['change', '2021-11-21', 'VISA_ON_ARRIVAL', null],
      ['change', '2024-02-07', 'VISA_FREE', 30],
      ['change', '2024-05-27', 'VISA_REQUIRED', null],
      ['change', '2024-06-10', 'VISA_FREE', 30],
      ['change', '2024-08-03', 'VISA_FREE', 60],
    ]);
  });

  it('gives every passport but Qatar\'s the Hayya card on 2022-11-06, as the raw rows do', () => {
    const raw = rows.filter((r) => r.requirement === 'Hayya Entry Permit');
    const hayya = conversion.versions.filter((v) => v.reading.special === 'hayya');
    expect(hayya.map((v) => `${v.passport}>${v.destination}@${v.snapshot}`).sort()).toEqual(raw.map((r) => `${r.passport}>${r.destination}@${r.snapshot}`).sort());
    expect(hayya).toHaveLength(198);
    expect(new Set(hayya.map((v) => v.destination))).toEqual(new Set(['QA']));
  });

  it('reads "eta" from 2025-01-12 as a reclassification of an e-visa, and the UK\'s EVW as the e-visa it was counted as before and after', () => {
    expect(versionsOf('UA', 'MX').map(brief)).toEqual([
      ['first', '2019-11-23', null, 'E_VISA', null, null],
      ['reclassification', '2025-01-12', '2025-01-02', 'ETA', null, null],
    ]);
    // KW → GB: 1, VOA, EVW (2020-11-19), e-visa (2021-12-14), eta (2025-01-12): one rule until the eta category.
    expect(versionsOf('KW', 'GB').map(brief)).toEqual([
      ['first', '2019-11-23', null, 'E_VISA', null, null],
      ['reclassification', '2025-01-12', '2025-01-02', 'ETA', null, null],
    ]);
    const eta = rows.filter((r) => r.requirement === 'eta');
    expect(eta.every((r) => r.snapshot === '2025-01-12')).toBe(true);
    expect(conversion.versions.filter((v) => v.reading.visaRequirement === 'ETA' && v.reading.special === null)).toHaveLength(eta.length);
  });
});

/**
 * An independent reading of the raw rows, written from the data set's documentation
 * (SOURCES.md, prisma/seed/passport-index/README.md) rather than from the converter:
 * each pair's meaning snapshot by snapshot, a version wherever the meaning changes.
 */
const NUMERIC: Record<string, string> = { '3': 'VISA_FREE', '2': 'VISA_ON_ARRIVAL', '1': 'E_VISA', '0': 'VISA_REQUIRED' };
const LETTERS: Record<string, string> = { VF: 'VISA_FREE', VR: 'VISA_REQUIRED', ETA: 'VISA_ON_ARRIVAL', VOA: 'E_VISA' };
const WORDS: Record<string, string> = {
  'visa free': 'VISA_FREE',
  'visa on arrival': 'VISA_ON_ARRIVAL',
  eta: 'ETA',
  'e-visa': 'E_VISA',
  EVW: 'E_VISA',
  'visa required': 'VISA_REQUIRED',
  'no admission': 'NO_ADMISSION',
  'covid ban': 'NO_ADMISSION covid',
  'Hayya Entry Permit': 'ETA hayya',
};
function meaning(raw: string, snapshot: string): { requirement: string; days: number | null } {
  if (snapshot < '2020-02-07') return { requirement: NUMERIC[raw]!, days: null };
  if (/^\d+$/.test(raw)) return { requirement: 'VISA_FREE', days: Number(raw) };
  return { requirement: (snapshot < '2020-11-19' ? LETTERS : WORDS)[raw]!, days: null };
}
function expectedKinds(pairRows: readonly ChangeRow[]): string[] {
  let current: { requirement: string; days: number | null } | null = null;
  const kinds: string[] = [];
  for (const row of [...pairRows].sort((a, b) => a.snapshot.localeCompare(b.snapshot))) {
    if (row.requirement === '' || row.requirement === '-1') continue;
    const next = meaning(row.requirement, row.snapshot);
    if (!next.requirement) throw new Error(`no meaning for ${row.requirement} on ${row.snapshot}`);
    if (current === null) kinds.push('first');
    else if (next.requirement === current.requirement && (next.days === current.days || next.days === null)) continue;
    else if (next.requirement === current.requirement && current.days === null) kinds.push('refinement');
    else if (current.requirement === 'E_VISA' && next.requirement === 'ETA' && row.snapshot === '2025-01-12') kinds.push('reclassification');
    else kinds.push('change');
    current = next;
  }
  return kinds;
}

describe('the figures, against the raw rows', () => {
  it('covers 199 passports and 199 destinations, with a version kind sequence per pair that an independent reading of the raw rows gives', () => {
    expect(new Set(conversion.versions.map((v) => v.passport)).size).toBe(new Set(rows.map((r) => r.passport)).size);
    expect(new Set(conversion.versions.map((v) => v.destination)).size).toBe(new Set(rows.map((r) => r.destination)).size);
    expect(new Set(conversion.versions.map((v) => v.passport)).size).toBe(199);

    const overridden = new Set(story.filter((p) => p.category === 'VISA').map((p) => `${(p.nationality as string | undefined) ?? 'RU'}>${p.countryCode as string}`));
    const byPair = new Map<string, ChangeRow[]>();
    for (const row of rows) {
      const key = `${row.passport}>${row.destination}`;
      if (!byPair.has(key)) byPair.set(key, []);
      byPair.get(key)!.push(row);
    }
    const converted = new Map<string, string[]>();
    for (const v of conversion.versions) {
      const key = `${v.passport}>${v.destination}`;
      if (!converted.has(key)) converted.set(key, []);
      converted.get(key)!.push(v.kind);
    }
    let expectedTotal = 0;
    const differing: string[] = [];
    for (const [key, pairRows] of byPair) {
      if (overridden.has(key)) continue;
      const kinds = expectedKinds(pairRows).join(' ');
      expectedTotal += kinds === '' ? 0 : kinds.split(' ').length;
      const got = (converted.get(key) ?? []).join(' ');
      if (got !== kinds) differing.push(`${key}: expected ${kinds}, converted ${got}`);
    }
    expect(differing).toEqual([]);
    expect(byPair.size).toBe(199 * 199);
    const overriddenVersions = conversion.versions.filter((v) => overridden.has(`${v.passport}>${v.destination}`)).length;
    expect(conversion.versions).toHaveLength(expectedTotal + overriddenVersions);
    expect(conversion.versions.length).toBeGreaterThan(90_000);
  });

  it.each(['RU', 'UA', 'BY', 'DE'])('gives %s passports, on the latest snapshot, the requirement counts of the raw rows', (passport) => {
    // Raw: each destination's last value (all in words by then).
    const last = new Map<string, ChangeRow>();
    for (const row of rows.filter((r) => r.passport === passport && r.requirement !== '' && r.requirement !== '-1')) {
      const seen = last.get(row.destination);
      if (!seen || seen.snapshot < row.snapshot) last.set(row.destination, row);
    }
    const expected = count([...last.values()].map((r) => meaning(r.requirement, r.snapshot).requirement.split(' ')[0]!));
    // Converted: the latest version per destination, the story's dated versions included.
    const latest = new Map<string, { from: string; requirement: string }>();
    const consider = (destination: string, from: string, requirement: string) => {
      const seen = latest.get(destination);
      if (from <= LATEST_SNAPSHOT && (!seen || seen.from < from)) latest.set(destination, { from, requirement });
    };
    for (const v of conversion.versions.filter((x) => x.passport === passport)) consider(v.destination, v.snapshot, v.reading.visaRequirement);
    for (const p of story.filter((x) => x.category === 'VISA' && ((x.nationality as string | undefined) ?? 'RU') === passport)) {
      consider(p.countryCode as string, p.effectiveFrom as string, p.visaRequirement as string);
    }
    expect(count([...latest.values()].map((x) => x.requirement))).toEqual(expected);
    expect(latest.size).toBe(198);
  });
});

describe('what the data set does not capture', () => {
  it('reads "visa required" for Russians to Estonia, Latvia, Lithuania, Poland and Finland through their 2022 entry bans and after', () => {
    for (const destination of ['EE', 'LV', 'LT', 'PL', 'FI']) {
      const rowsOfPair = rows.filter((r) => r.passport === 'RU' && r.destination === destination && r.snapshot <= '2022-09-10');
      const inForce = rowsOfPair.sort((a, b) => a.snapshot.localeCompare(b.snapshot)).at(-1)!;
      expect([destination, inForce.requirement]).toEqual([destination, 'visa required']);
      // No row after the bans: the value never changes again up to 2025-01-12.
      expect(rows.filter((r) => r.passport === 'RU' && r.destination === destination && r.snapshot > '2022-09-10')).toEqual([]);
      expect(versionsOf('RU', destination).filter((v) => v.snapshot > '2022-09-10')).toEqual([]);
    }
  });
});

describe('verified dated sources win, per passport', () => {
  it('keeps the Russian overrides exactly: the UAE and Mongolia agree with the story, Serbia\'s 90 days are marked, Finland\'s visa cut is not restated', () => {
    expect(versionsOf('RU', 'AE')).toEqual([]);
    expect(versionsOf('RU', 'MN').map((v) => v.snapshot)).toEqual(['2020-11-19', '2021-08-09']);
    const rs = versionsOf('RU', 'RS').map((v) => policyOf(v, notes));
    expect(rs.map((p) => [p.effectiveFrom, p.maxStayDays, p.verification])).toEqual([
      ['2020-02-07', 90, 'UNVERIFIED'],
      ['2023-02-09', 30, 'VERIFIED'],
    ]);
    expect(versionsOf('RU', 'FI').map((v) => v.snapshot)).toEqual(['2019-11-23', '2020-11-19', '2021-08-09']);
    // Other passports keep what the data set says for the same destinations.
    expect(versionsOf('BY', 'AE').length).toBeGreaterThan(0);
    expect(versionsOf('UA', 'RS').map((v) => v.reading.maxStayDays)).not.toContain(30);
  });

  it('keys the story\'s VISA versions by nationality (RU when absent) and destination, and ignores other categories', () => {
    const byPair = storyVisas({
      policies: [
        { category: 'VISA', countryCode: 'PL', nationality: 'UA', effectiveFrom: '2022-02-24', visaRequirement: 'VISA_FREE', maxStayDays: 90 },
        { category: 'VISA', countryCode: 'PL', effectiveFrom: '2022-09-19', visaRequirement: 'VISA_REQUIRED' },
        { category: 'ENTRY', countryCode: 'PL', nationality: 'BY', effectiveFrom: '2022-09-19' },
      ],
    });
    expect([...byPair.keys()].sort()).toEqual(['RU/PL', 'UA/PL']);
    expect(byPair.get('UA/PL')).toEqual([{ effectiveFrom: '2022-02-24', visaRequirement: 'VISA_FREE', maxStayDays: 90 }]);
    expect(byPair.get('RU/PL')).toEqual([{ effectiveFrom: '2022-09-19', visaRequirement: 'VISA_REQUIRED', maxStayDays: null }]);
  });

  it("applies a story version to its own nationality only: Russia lifting visas for Georgians from 2023-05-15", () => {
    const decree = story.find((p) => p.nationality === 'GE' && p.countryCode === 'RU' && p.category === 'VISA');
    expect(decree).toMatchObject({ effectiveFrom: '2023-05-15', visaRequirement: 'VISA_FREE' });
    // The data set still reads "visa required" on 2023-06-05 and 2023-07-03 (no row: no change) and 90 days from 2023-08-15.
    const ge = versionsOf('GE', 'RU');
    expect(ge.map((v) => [v.snapshot, v.reading.visaRequirement])).toEqual([
      ['2019-11-23', 'VISA_REQUIRED'],
      ['2020-11-19', 'NO_ADMISSION'],
      ['2022-07-03', 'VISA_REQUIRED'],
      ['2023-08-15', 'VISA_FREE'],
    ]);
    expect(policyOf(ge[3]!, notes).summary).toContain('lifted from 15 May 2023');
    // Other passports to Russia are untouched by it.
    expect(versionsOf('AM', 'RU').every((v) => policyOf(v, notes).summary.includes('Georgian') === false)).toBe(true);
  });
});

function count(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
