import type { RecordKind } from './import.types';

/**
 * The CSV import format: one file per kind, a header row naming the columns.
 * The column names are the JSON format's field names, so one list documents
 * both. A source takes four columns; a second one the same four with a 2, and
 * so on up to MAX_SOURCES.
 */
export const MAX_SOURCES = 20;

export const SOURCE_FIELDS = { Url: 'url', Title: 'title', Publisher: 'publisher', PublishedAt: 'publishedAt' } as const;

interface KindColumns {
  /** The column that says which kind a file holds. */
  marker: string;
  required: readonly string[];
  optional: readonly string[];
}

export const KIND_COLUMNS: Record<RecordKind, KindColumns> = {
  policy: {
    marker: 'category',
    required: ['countryCode', 'category', 'status', 'title', 'effectiveFrom'],
    optional: ['nationality', 'visaRequirement', 'maxStayDays', 'summary', 'changedAfter', 'announcedAt', 'verification'],
  },
  statement: {
    marker: 'speaker',
    required: ['speaker', 'saidAt', 'text', 'medium'],
    optional: ['speakerRole', 'countryCode', 'saidAtPrecision', 'language', 'verification', 'relatedPolicies'],
  },
  event: {
    marker: 'occurredOn',
    required: ['title', 'kind', 'occurredOn'],
    optional: ['description', 'countryCode', 'countryCodes', 'figureValue', 'figureUnit', 'figureQualifier', 'verification'],
  },
};

/** Columns holding numbers, and lists separated by semicolons. */
export const NUMBER_COLUMNS = new Set(['maxStayDays', 'figureValue']);
export const LIST_SEPARATOR = ';';

/** `sourceUrl`, `sourceUrl2`...: the column of field `field` of the `index`-th (0-based) source. */
export function sourceColumn(field: keyof typeof SOURCE_FIELDS, index: number): string {
  return `source${field}${index === 0 ? '' : index + 1}`;
}

const SOURCE_COLUMN = /^source(Url|Title|Publisher|PublishedAt)(\d*)$/;

/** The source index (0-based) and field of a source column, or null. */
export function parseSourceColumn(column: string): { index: number; field: keyof typeof SOURCE_FIELDS } | null {
  const match = SOURCE_COLUMN.exec(column);
  if (!match) return null;
  const number = match[2] === '' ? 1 : Number(match[2]);
  if (match[2] === '1' || !Number.isInteger(number) || number < 1 || number > MAX_SOURCES) return null;
  return { index: number - 1, field: match[1] as keyof typeof SOURCE_FIELDS };
}

/**
 * The column a validation path points at: `policy.sources.1.url` is
 * `sourceUrl2`, `event.figure.value` is `figureValue`, `statement.relatedPolicies.0` is
 * `relatedPolicies`. Paths that name no column (a natural-key conflict) stay as they are.
 */
export function columnOfField(field: string): string {
  const [root, ...path] = field.split('.');
  if (path.length === 0) return field;
  const [first, second, third] = path;
  if (first === 'sources') {
    const index = second === undefined ? 0 : Number(second);
    const name = Object.entries(SOURCE_FIELDS).find(([, value]) => value === third)?.[0] ?? 'Url';
    return sourceColumn(name as keyof typeof SOURCE_FIELDS, Number.isInteger(index) ? index : 0);
  }
  if (first === 'figure') return `figure${capitalize(second ?? 'value')}`;
  return first ?? root ?? field;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
