import { DEFAULT_NATIONALITY } from '../src/common/nationality';
import { isMapDate } from './dates';
import { COUNTRY_CODE_PATTERN } from '../src/common/country-code';

/**
 * What a link to the map holds: `/map?nationality=RU&date=2022-10-01&country=FI`. No date means
 * today, following live changes. Anything malformed is ignored, not trusted.
 */
export interface View {
  nationality: string;
  /** YYYY-MM-DD, or null for today. */
  date: string | null;
  country: string | null;
}

const CODE = COUNTRY_CODE_PATTERN;

export function readView(search: string): View {
  const params = new URLSearchParams(search);
  const nationality = params.get('nationality')?.toUpperCase() ?? '';
  const date = params.get('date') ?? '';
  const country = params.get('country')?.toUpperCase() ?? '';
  return {
    nationality: CODE.test(nationality) ? nationality : DEFAULT_NATIONALITY,
    date: isMapDate(date) ? date : null,
    country: CODE.test(country) ? country : null,
  };
}

export function viewSearch(view: View): string {
  const params = new URLSearchParams({ nationality: view.nationality });
  if (view.date) params.set('date', view.date);
  if (view.country) params.set('country', view.country);
  return `?${params}`;
}

export const sameView = (a: View, b: View): boolean => a.nationality === b.nationality && a.date === b.date && a.country === b.country;
