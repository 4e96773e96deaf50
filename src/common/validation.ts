import { z } from 'zod';
import { parseIsoDate } from './dates';
import { BadUserInputError } from './errors';
import { COUNTRY_CODE_PATTERN } from './country-code';

/**
 * Shared rules for everything written, whether it arrives through a GraphQL
 * mutation or the importer: the first problem found becomes a
 * BAD_USER_INPUT error naming the field (`input.sources.0.url`) and the reason.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [root, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new BadUserInputError(field, issue.message);
}

export const countryCode = z.string().regex(COUNTRY_CODE_PATTERN, 'must be an ISO 3166-1 alpha-2 code (two capital letters)');

export const requiredText = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((value) => (value ? value : null));

/** A calendar date given as a Date (from the GraphQL scalar) or as YYYY-MM-DD (from a file). */
export const calendarDate = z.union([z.date(), z.string()]).transform((value, ctx) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
      return z.NEVER;
    }
    return value;
  }
  try {
    return parseIsoDate(value, '');
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a date in the form YYYY-MM-DD` });
    return z.NEVER;
  }
});

/** An instant given as a Date or an RFC 3339 string with a time zone. */
export const instant = z.union([z.date(), z.iso.datetime({ offset: true })]).transform((value) => new Date(value));

export const httpUrl = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

export const sourceInput = z.object({
  url: httpUrl,
  title: requiredText(300),
  publisher: optionalText(200),
  publishedAt: calendarDate.nullish(),
  retrievedAt: instant.nullish(),
});

export const sourcesInput = z
  .array(sourceInput, { error: 'must list at least one source' })
  .min(1, 'must list at least one source')
  .max(20, 'must list at most 20 sources');

export type SourceInputValue = z.output<typeof sourceInput>;
