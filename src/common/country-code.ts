/**
 * The pattern of a country code, which the API, the importer, the data scripts and the map's URL all
 * apply (the default nationality is src/common/nationality.ts). No imports: the map's bundle uses it too.
 */

/** An ISO 3166-1 alpha-2 code as Borderwatch stores it: two capital letters. */
export const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;
