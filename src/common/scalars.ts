import { GraphQLScalarType } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { LRUCache } from 'lru-cache';

/** 'YYYY-MM-DD' of a UTC midnight, by day: a history page serialises hundreds of the same few thousand days. */
const dayStrings = new LRUCache<number, string>({ max: 100_000 });

function serializeDay(value: unknown): unknown {
  if (!(value instanceof Date)) return DateResolver.serialize(value);
  const time = value.getTime();
  let day = dayStrings.get(time);
  if (day === undefined) {
    day = DateResolver.serialize(value) as string;
    dayStrings.set(time, day);
  }
  return day;
}

/** A calendar date, `YYYY-MM-DD` (UTC): graphql-scalars' Date, with its output memoised per day. */
export const DateScalar = new GraphQLScalarType({ ...DateResolver.toConfig(), serialize: serializeDay });
/** An instant, RFC 3339 with offset. */
export const DateTimeScalar = DateTimeResolver;
