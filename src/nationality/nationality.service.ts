import { groupBy } from '../common/collections';
import { formatIsoDate, todayUtc } from '../common/dates';
import { PolicyCategory, VisaRequirement } from '../common/enums';
import { BadUserInputError } from '../common/errors';
import { pageSize } from '../common/pagination';
import type { CountryCatalog } from '../country/country.catalog';
import type { Policy } from '../generated/prisma/client';
import type { PolicyService } from '../policy/policy.service';
import { HISTORY_POINTS_DEFAULT, HISTORY_POINTS_MAX, type VisaCountsHistoryArgs } from './nationality.args';
import type { VisaCounts } from './nationality.counts.type';
import type { Entry } from './nationality.entry.type';
import type { Destination, Nationality } from './nationality.type';

const REQUIREMENTS = Object.values(VisaRequirement);

/**
 * A nationality's view of the world, and a country's view of its visitors: built from the
 * catalog (no SQL) and the policies in force or their changes (one statement each).
 */
export class NationalityService {
  constructor(
    private readonly catalog: CountryCatalog,
    private readonly policies: PolicyService,
  ) {}

  /** Throws BAD_USER_INPUT naming `code` unless it is a known country code. */
  get(code: string): Nationality {
    return { code, country: this.catalog.assertKnown(code, 'code') };
  }

  /** The nationalities that have at least one rule, in the catalog's order (by name): at most one per country. */
  async list(): Promise<Nationality[]> {
    const found = await this.policies.nationalities();
    return this.catalog
      .all()
      .filter((country) => found.has(country.code))
      .map((country) => ({ code: country.code, country }));
  }

  /** Every destination with a rule in force for `nationality` on `date`, by country code. */
  async destinations(nationality: string, date: Date): Promise<Destination[]> {
    // inForce orders its rows by country code, then category: so are the destinations and their policies.
    const rows = await this.policies.inForce(this.codes(), date, { nationality });
    return [...groupBy(rows, (row) => row.countryCode)].map(([code, policies]) => ({
      country: this.catalog.get(code)!,
      visa: visaOf(policies),
      policies,
    }));
  }

  /** How many destinations fall under each visa requirement on `date`, from the counts the visaCounts loader reads. */
  visaCounts(counts: ReadonlyMap<VisaRequirement | null, number>, date: Date): VisaCounts {
    return countsOf(date, counts);
  }

  /**
   * The counts of visaCounts at each day they change, from `from` (its first point: the counts
   * in force on it) to `to`, at most `first` points.
   */
  async visaCountsHistory(nationality: string, args: VisaCountsHistoryArgs): Promise<VisaCounts[]> {
    const first = pageSize(args.first, { default: HISTORY_POINTS_DEFAULT, max: HISTORY_POINTS_MAX });
    const from = args.from ?? null;
    const to = args.to ?? todayUtc();
    if (from && from > to) throw new BadUserInputError('from', `must not be after \`to\` (${formatIsoDate(to)})`);
    const changes = await this.policies.visaChanges(this.codes(), nationality);
    const running = new Map<VisaRequirement | null, number>();
    let atFrom = new Map(running);
    const points: VisaCounts[] = [];
    for (const [time, deltas] of groupBy(changes, (change) => change.day.getTime())) {
      const day = new Date(time);
      if (day > to) break;
      for (const { visaRequirement, delta } of deltas) running.set(visaRequirement, (running.get(visaRequirement) ?? 0) + delta);
      if (from && day <= from) atFrom = new Map(running);
      else points.push(countsOf(day, running));
    }
    return (from ? [countsOf(from, atFrom), ...points] : points).slice(0, first);
  }

  /** Who may enter: `rows` (one country's versions in force, by nationality and category) by nationality. */
  entries(rows: readonly Policy[]): Entry[] {
    const entries: Entry[] = [];
    for (const [code, policies] of groupBy(rows, (row) => row.nationality)) {
      // The column admits any two capital letters; the API and the importer only known countries.
      const country = this.catalog.get(code);
      if (country) entries.push({ nationality: { code, country }, visa: visaOf(policies), policies });
    }
    return entries;
  }

  /** The nationalities whose visa rule in `rows` is one of `requirements`, by code. */
  admits(rows: readonly Policy[], requirements: readonly VisaRequirement[]): Nationality[] {
    const wanted = new Set(requirements);
    return this.entries(rows)
      .filter((entry) => entry.visa?.visaRequirement && wanted.has(entry.visa.visaRequirement))
      .map((entry) => entry.nationality);
  }

  /** How many nationalities fall under each visa requirement in `rows` (one country's versions in force on `date`). */
  entryCounts(rows: readonly Policy[], date: Date): VisaCounts {
    return countsOf(date, tally(rows.filter((row) => row.category === PolicyCategory.VISA).map((row) => row.visaRequirement)));
  }

  /** Every country's code: the destinations a nationality's rules are read for. */
  codes(): string[] {
    return this.catalog.all().map((country) => country.code);
  }
}

function visaOf(policies: readonly Policy[]): Policy | null {
  return policies.find((policy) => policy.category === PolicyCategory.VISA) ?? null;
}

function tally(requirements: ReadonlyArray<VisaRequirement | null>): Map<VisaRequirement | null, number> {
  const counts = new Map<VisaRequirement | null, number>();
  for (const requirement of requirements) counts.set(requirement, (counts.get(requirement) ?? 0) + 1);
  return counts;
}

function countsOf(date: Date, counts: ReadonlyMap<VisaRequirement | null, number>): VisaCounts {
  return {
    date,
    total: [...counts.values()].reduce((sum, n) => sum + n, 0),
    counts: REQUIREMENTS.map((visaRequirement) => ({ visaRequirement, count: counts.get(visaRequirement) ?? 0 })),
  };
}
