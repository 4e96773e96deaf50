import { BadUserInputError } from '../common/errors';
import type { Country, PrismaClient } from '../generated/prisma/client';
import { COUNTRY_CODE_PATTERN } from '../common/country-code';

/**
 * The ~250 countries, held in memory: reference data that changes only when
 * the seed loads, read on nearly every request. Lookups cost no SQL.
 */
export class CountryCatalog {
  private byCode = new Map<string, Country>();
  private byName: Country[] = [];

  constructor(private readonly prisma: PrismaClient) {}

  async load(): Promise<void> {
    const rows = await this.prisma.country.findMany();
    this.byCode = new Map(rows.map((row) => [row.code, row]));
    this.byName = [...rows].sort(compareByName);
  }

  get(code: string): Country | undefined {
    return this.byCode.get(code);
  }

  /** Sorted by name, then code: the order of the `countries` list. */
  all(): readonly Country[] {
    return this.byName;
  }

  get size(): number {
    return this.byCode.size;
  }

  /** Throws BAD_USER_INPUT naming `field` unless `code` is a known country code. */
  assertKnown(code: string, field: string): Country {
    if (!COUNTRY_CODE_PATTERN.test(code)) throw new BadUserInputError(field, `"${code}" is not an ISO 3166-1 alpha-2 code (two capital letters)`);
    const country = this.byCode.get(code);
    if (!country) throw new BadUserInputError(field, `unknown country code "${code}"`);
    return country;
  }

  assertAllKnown(codes: readonly string[], field: string): void {
    codes.forEach((code, index) => this.assertKnown(code, `${field}.${index}`));
  }
}

export function compareByName(a: Pick<Country, 'name' | 'code'>, b: Pick<Country, 'name' | 'code'>): number {
  return a.name.localeCompare(b.name, 'en') || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
