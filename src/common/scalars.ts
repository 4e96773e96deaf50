import { DateResolver, DateTimeResolver } from 'graphql-scalars';

/** A calendar date, `YYYY-MM-DD` (UTC). */
export const DateScalar = DateResolver;
/** An instant, RFC 3339 with offset. */
export const DateTimeScalar = DateTimeResolver;
