import { createHash } from 'node:crypto';
import { types, type Pool, type QueryConfig } from 'pg';
import { Prisma } from '../generated/prisma/client';

const DATE = 1082;
const INT8 = 20;
const NUMERIC = 1700;

/** Calendar dates as Prisma gives them: midnight UTC, whatever the process's time zone. */
const parseDate = (value: string) => new Date(`${value}T00:00:00Z`);

/** Column values as Prisma returns them (Date, BigInt, Decimal), so raw rows and Prisma rows are interchangeable. */
const PRISMA_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE) return parseDate;
    if (oid === INT8) return (value: string) => BigInt(value);
    if (oid === NUMERIC) return (value: string) => new Prisma.Decimal(value);
    return types.getTypeParser(oid, format);
  },
};

/**
 * Reads that are hot enough to skip Prisma (its query compiler and result mapping cost several
 * times the statement itself on small reads): plain SQL through the same pool, rows returned
 * in the Prisma models' shapes. Fixed statements are prepared once per connection.
 * Pass dates as 'YYYY-MM-DD' strings, never Date objects (the session time zone would apply).
 */
export class SqlReader {
  private readonly names = new Map<string, string>();

  /** `canPrepare` false where connections may share one session (the embedded PGlite socket server). */
  constructor(
    private readonly pool: Pool,
    private readonly canPrepare = true,
  ) {}

  async rows<T>(text: string, values: unknown[] = [], options: { prepare?: boolean } = {}): Promise<T[]> {
    const query: QueryConfig = { text, values, types: PRISMA_TYPES as QueryConfig['types'] };
    if (options.prepare && this.canPrepare) query.name = this.nameOf(text);
    const result = await this.pool.query(query);
    return result.rows as T[];
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `bw_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
