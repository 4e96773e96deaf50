/**
 * The two rules about country codes that the API, the importer, the data scripts and the map's URL
 * all apply. No imports: the browser bundles (map/) use it too.
 */

/**
 * The nationality a request, a record or a link means when it names none: Borderwatch began as a
 * tracker of rules toward Russian citizens. prisma/schema.prisma's `@default("RU")` on
 * policy.nationality says the same for the database (a schema cannot import it).
 */
export const DEFAULT_NATIONALITY = 'RU';

/** An ISO 3166-1 alpha-2 code as Borderwatch stores it: two capital letters. */
export const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;
