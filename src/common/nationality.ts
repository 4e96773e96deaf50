/**
 * The nationality a rule is about when a request or a record names none: the project began with
 * Russian passports. Every default of the API, the importer, the data-set notes and the map page
 * is this constant (the database column's default in prisma/schema.prisma, which cannot import
 * it, says the same).
 */
export const DEFAULT_NATIONALITY = 'RU';
