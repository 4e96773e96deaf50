import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { FIRST_DAY, inForceOn, isMapDate, todayIso } from '../../map/dates';
import { COLOURS, entryRestriction, requirementOf, VISA_REQUIREMENTS, type Requirement } from '../../map/palette';
import { applyVersion, rulesFrom, type MapPolicy } from '../../map/rules';
import { readView, viewSearch } from '../../map/url-state';
import { mapBuildDir } from '../../src/map/map.paths';
import type { World, WorldProperties } from '../../src/map/map.world';

/** The map page's logic that needs no browser: its colours, its links, how it applies live changes, its world data. */

/** Machado, Oliveira and Fernandes (2009), severity 1: linear-RGB matrices simulating the three dichromacies. */
const DICHROMACY: Record<string, number[][]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

/** CIELAB (D65) of an sRGB colour, optionally as a dichromat sees it. */
function lab(hex: string, matrix?: number[][]): [number, number, number] {
  const linear = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const [r, g, b] = matrix ? matrix.map((row) => Math.min(1, Math.max(0, row[0]! * linear[0]! + row[1]! * linear[1]! + row[2]! * linear[2]!))) : linear;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r! + 0.3576 * g! + 0.1805 * b!) / 0.95047);
  const y = f(0.2126 * r! + 0.7152 * g! + 0.0722 * b!);
  const z = f((0.0193 * r! + 0.1192 * g! + 0.9505 * b!) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000'];

describe('the palette', () => {
  it('has a colour for every visa requirement and for no data, all of them Okabe–Ito colours but the grey of no data', () => {
    expect(Object.keys(COLOURS).sort()).toEqual([...VISA_REQUIREMENTS, 'NO_DATA'].sort());
    for (const requirement of VISA_REQUIREMENTS) expect(OKABE_ITO).toContain(COLOURS[requirement]);
  });

  it.each([['normal vision', undefined], ...Object.entries(DICHROMACY)])('keeps every two colours apart (CIE76 ΔE ≥ 15) with %s', (_name, matrix) => {
    const entries = Object.entries(COLOURS) as Array<[Requirement, string]>;
    let closest = { distance: Infinity, pair: '' };
    for (const [i, [a, colourA]] of entries.entries()) {
      for (const [b, colourB] of entries.slice(i + 1)) {
        const [p, q] = [lab(colourA, matrix as number[][] | undefined), lab(colourB, matrix as number[][] | undefined)];
        const distance = Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
        if (distance < closest.distance) closest = { distance, pair: `${a}/${b}` };
      }
    }
    expect(closest.distance).toBeGreaterThanOrEqual(15);
  });

  it('marks RESTRICTED and CLOSED entry rules only, and reads an unknown or missing requirement as no data', () => {
    const policy = (category: string, status: string) => ({ category, status });
    expect(entryRestriction([policy('VISA', 'CLOSED'), policy('ENTRY', 'RESTRICTED')])).toEqual(policy('ENTRY', 'RESTRICTED'));
    expect(entryRestriction([policy('ENTRY', 'CLOSED')])).not.toBeNull();
    expect(entryRestriction([policy('ENTRY', 'CONDITIONAL'), policy('VISA', 'RESTRICTED')])).toBeNull();
    expect(requirementOf({ visaRequirement: 'E_VISA' })).toBe('E_VISA');
    expect(requirementOf({ visaRequirement: null })).toBe('NO_DATA');
    expect(requirementOf({ visaRequirement: 'SOMETHING_NEW' })).toBe('NO_DATA');
    expect(requirementOf(null)).toBe('NO_DATA');
  });
});

describe('the URL', () => {
  it('holds nationality, date and country, and reads back what it wrote', () => {
    const view = { nationality: 'RU', date: '2022-10-01', country: 'FI' };
    expect(viewSearch(view)).toBe('?nationality=RU&date=2022-10-01&country=FI');
    expect(readView(viewSearch(view))).toEqual(view);
    expect(readView('?nationality=by&country=ee')).toEqual({ nationality: 'BY', date: null, country: 'EE' });
    expect(viewSearch({ nationality: 'RU', date: null, country: null })).toBe('?nationality=RU');
  });

  it.each([
    ['', { nationality: 'RU', date: null, country: null }],
    ['?nationality=<script>&date=2022-02-30&country=FIN', { nationality: 'RU', date: null, country: null }],
    ['?date=2019-11-22', { nationality: 'RU', date: null, country: null }],
    ['?date=2999-01-01', { nationality: 'RU', date: null, country: null }],
    ['?date=2022-13-01&nationality=RUS', { nationality: 'RU', date: null, country: null }],
    ['?date=2019-11-23&country=%20FI', { nationality: 'RU', date: '2019-11-23', country: null }],
  ])('ignores what it cannot trust: %j', (search, view) => {
    expect(readView(search)).toEqual(view);
  });

  it('accepts dates from the first snapshot to today', () => {
    expect(isMapDate(FIRST_DAY)).toBe(true);
    expect(isMapDate(todayIso())).toBe(true);
    expect(isMapDate('2022-13-01')).toBe(false);
  });
});

describe('a live change applied to the map', () => {
  const version = (overrides: Partial<MapPolicy>): MapPolicy => ({
    id: 'v',
    category: 'ENTRY',
    status: 'RESTRICTED',
    visaRequirement: null,
    maxStayDays: null,
    title: 't',
    effectiveFrom: '2022-09-30',
    effectiveTo: null,
    ...overrides,
  });
  const finland = () =>
    rulesFrom([{ country: { code: 'FI' }, visa: { visaRequirement: 'VISA_REQUIRED', maxStayDays: 90 }, policies: [version({ id: 'visa', category: 'VISA', status: 'CONDITIONAL', visaRequirement: 'VISA_REQUIRED', effectiveFrom: '2021-08-09' })] }]);

  it('replaces its category where it is in force on the day shown, and is idempotent', () => {
    const rules = finland();
    expect(applyVersion(rules, 'FI', version({ id: 'entry' }), '2022-10-01')).toBe(true);
    expect(rules.get('FI')!.policies.map((p) => p.id)).toEqual(['entry', 'visa']);
    applyVersion(rules, 'FI', version({ id: 'entry' }), '2022-10-01');
    expect(rules.get('FI')!.policies.map((p) => p.id)).toEqual(['entry', 'visa']);
    applyVersion(rules, 'FI', version({ id: 'visa-free', category: 'VISA', status: 'OPEN', visaRequirement: 'VISA_FREE', maxStayDays: 30, effectiveFrom: '2022-01-01' }), '2022-10-01');
    expect(rules.get('FI')!.visa).toEqual({ visaRequirement: 'VISA_FREE', maxStayDays: 30 });
  });

  it('leaves a day on which it is not in force alone', () => {
    const rules = finland();
    expect(applyVersion(rules, 'FI', version({}), '2022-09-29')).toBe(false);
    expect(applyVersion(rules, 'FI', version({ effectiveFrom: '2022-01-01', effectiveTo: '2022-09-01' }), '2022-09-01')).toBe(false);
    expect(rules.get('FI')!.policies.map((p) => p.id)).toEqual(['visa']);
    expect(inForceOn({ effectiveFrom: '2022-01-01', effectiveTo: '2022-09-01' }, '2022-08-31')).toBe(true);
  });

  it('adds a country that had no rule', () => {
    const rules = finland();
    applyVersion(rules, 'EE', version({ id: 'ee' }), '2022-10-01');
    expect(rules.get('EE')).toEqual({ visa: null, policies: [version({ id: 'ee' })] });
  });
});

describe('the world data (dist/map)', () => {
  let world: World;
  let catalog: Array<{ iso2: string; numeric: string }>;

  beforeAll(async () => {
    const file = (await readdir(mapBuildDir)).find((name) => /^world-\w+\.json$/.test(name));
    world = JSON.parse(await readFile(path.join(mapBuildDir, file!), 'utf8'));
    catalog = parse(await readFile(path.join(__dirname, '..', '..', 'prisma', 'seed', 'countries.csv')), { columns: true });
  });

  it("has Natural Earth's 241 admin-0 shapes, matched to the catalog by ISO numeric codes written with their leading zeros", () => {
    const shapes = world.objects.countries.geometries;
    expect(shapes).toHaveLength(241);
    const numeric = new Set(catalog.map((country) => country.numeric));
    const ids = shapes.map((shape) => shape.id).filter((id) => id !== undefined);
    expect(ids.every((id) => typeof id === 'string' && /^\d{3}$/.test(id) && numeric.has(id))).toBe(true);
    expect(ids).toContain('004');
    expect(new Set(ids).size).toBeGreaterThanOrEqual(230);
  });

  it('names the shapes without a numeric code, and maps Kosovo to XK', () => {
    const uncoded = world.objects.countries.geometries.filter((shape) => shape.id === undefined).map((shape) => shape.properties as WorldProperties);
    expect(uncoded.map((properties) => properties.name).sort()).toEqual(['Indian Ocean Ter.', 'Kosovo', 'N. Cyprus', 'Siachen Glacier', 'Somaliland']);
    expect(uncoded.find((properties) => properties.name === 'Kosovo')!.alpha2).toBe('XK');
  });

  it('gives the small states a dot to see and click: Vatican, Monaco, Singapore, Malta, Bahrain; not Finland', () => {
    const properties = world.objects.countries.geometries.map((shape) => shape.properties as WorldProperties);
    const dotted = new Set(properties.filter((shape) => shape.dot).map((shape) => shape.name));
    for (const name of ['Vatican', 'Monaco', 'Singapore', 'Malta', 'Bahrain', 'Liechtenstein', 'Maldives']) expect(dotted).toContain(name);
    expect(dotted).not.toContain('Finland');
  });
});
