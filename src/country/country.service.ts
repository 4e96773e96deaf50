import type { CursorCodec } from '../common/cursor';
import { todayUtc } from '../common/dates';
import { BadUserInputError } from '../common/errors';
import { DEFAULT_NATIONALITY } from '../common/nationality';
import { pageSize, toPage, type Page, type PageSizeLimits } from '../common/pagination';
import type { Country } from '../generated/prisma/client';
import type { PolicyService } from '../policy/policy.service';
import { compareByName, type CountryCatalog } from './country.catalog';
import type { CountryFilter } from './country.filter';

const LIST = 'countries';

/** Lists countries from the in-memory catalog; only policy conditions cost a query. */
export class CountryService {
  constructor(
    private readonly catalog: CountryCatalog,
    private readonly policies: PolicyService,
    private readonly cursors: CursorCodec,
    private readonly limits: PageSizeLimits,
  ) {}

  get(code: string): Country | null {
    return this.catalog.get(code.toUpperCase()) ?? null;
  }

  async list(filter: CountryFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Country>> {
    const size = pageSize(first, this.limits);
    const matching = await this.filter(filter ?? {});
    let start = 0;
    if (after) {
      const [name, code] = this.cursors.decode(after, LIST);
      if (typeof name !== 'string' || typeof code !== 'string') throw new BadUserInputError('after', 'not a valid cursor');
      start = matching.findIndex((country) => compareByName(country, { name, code }) > 0);
      if (start < 0) start = matching.length;
    }
    return toPage(matching.slice(start, start + size + 1), size, Boolean(after), (c) => this.cursors.encode(LIST, [c.name, c.code]), () =>
      Promise.resolve(matching.length),
    );
  }

  private async filter(filter: CountryFilter): Promise<readonly Country[]> {
    // Checked even when no condition reads it: a bad code is refused, never ignored.
    if (filter.nationality != null) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
    let countries = this.catalog.all();
    const region = filter.region?.trim().toLowerCase();
    if (region) {
      countries = countries.filter((c) => c.region?.toLowerCase() === region || c.subregion?.toLowerCase() === region);
    }
    const search = filter.search ? fold(filter.search.trim()) : '';
    if (search) {
      countries = countries.filter((c) => fold(c.name).includes(search) || c.code.toLowerCase() === search || c.alpha3.toLowerCase() === search);
    }
    if (filter.status || filter.category) {
      const nationality = filter.nationality ?? DEFAULT_NATIONALITY;
      const scope = { category: filter.category ?? null, nationality };
      const codes = await this.policies.countryCodesInForce(todayUtc(), scope, filter.status ?? null);
      countries = countries.filter((c) => codes.has(c.code));
    }
    return countries;
  }
}

/** Lower case without diacritics, so "aland" matches "Åland". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}
