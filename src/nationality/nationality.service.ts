import { groupBy } from '../common/collections';
import { PolicyCategory } from '../common/enums';
import type { CountryCatalog } from '../country/country.catalog';
import type { PolicyService } from '../policy/policy.service';
import type { Destination, Nationality } from './nationality.type';

/** A nationality's view of the world: built from the catalog (no SQL) and the policies in force (one statement). */
export class NationalityService {
  constructor(
    private readonly catalog: CountryCatalog,
    private readonly policies: PolicyService,
  ) {}

  /** Throws BAD_USER_INPUT naming `code` unless it is a known country code. */
  get(code: string): Nationality {
    return { code, country: this.catalog.assertKnown(code, 'code') };
  }

  /** Every destination with a rule in force for `nationality` on `date`, by country code. */
  async destinations(nationality: string, date: Date): Promise<Destination[]> {
    const codes = this.catalog.all().map((country) => country.code);
    // inForce orders its rows by country code, then category: so are the destinations and their policies.
    const rows = await this.policies.inForce(codes, date, { nationality });
    return [...groupBy(rows, (row) => row.countryCode)].map(([code, policies]) => ({
      country: this.catalog.get(code)!,
      visa: policies.find((policy) => policy.category === PolicyCategory.VISA) ?? null,
      policies,
    }));
  }
}
