import { createHash } from 'node:crypto';
import { types, type Pool } from 'pg';
import { translateDatabaseError } from './errors';

const DATE = types.builtins.DATE;
const INT8 = types.builtins.INT8;
const NUMERIC = types.builtins.NUMERIC;

/**
 * Calendar dates as UTC midnights (the way Prisma returns them), whatever the
 * process time zone; bigints as BigInt; decimals as numbers (every NUMERIC column holds a figure the
 * API serves as a Float, and src/generated/model.ts types it so). Everything else as pg parses it.
 */
export const PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE) return (value: string) => new Date(`${value}T00:00:00Z`);
    if (oid === INT8) return (value: string) => BigInt(value);
    if (oid === NUMERIC) return Number;
    return types.getTypeParser(oid, format);
  },
} as unknown as typeof types;

/**
 * Distinct texts that run as named prepared statements. Every one is kept on
 * every pooled connection (and here), so past this many, texts run unnamed
 * (parsed and planned each time, as Prisma's are): neither grows without bound
 * whatever texts requests lead to. The test suite's servers use 5 to 20 each.
 */
export const PREPARED_STATEMENTS_BUDGET = 100;

/**
 * Hand-written SQL for the read paths that run on every request: the same
 * pool as Prisma, named prepared statements (PostgreSQL plans each once per
 * connection) and no query compilation on the way. Writes stay with Prisma,
 * whose transactions and types they need.
 */
export class Sql {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly pool: Pool,
    private readonly counted: () => void,
    /** Off for the embedded database: PGlite serves every connection from one session, where names would collide. */
    private readonly prepared = true,
    private readonly preparedBudget = PREPARED_STATEMENTS_BUDGET,
  ) {}

  /** How many texts have a prepared statement's name. */
  get preparedCount(): number {
    return this.names.size;
  }

  /**
   * The rows of `text`, as `T`: name a row type of src/generated/model.ts (PolicyRow, …), which says
   * what these parsers return for each column, or a narrow shape for a computed column.
   */
  async rows<T extends object>(text: string, values: unknown[] = []): Promise<T[]> {
    this.counted();
    const name = this.prepared ? this.nameOf(text) : undefined;
    try {
      const result = await this.pool.query<T>({ name, text, values, types: PARSERS });
      return result.rows;
    } catch (error) {
      // An unreachable database is a client-facing SERVICE_UNAVAILABLE, said here where it is known.
      throw translateDatabaseError(error) ?? error;
    }
  }

  async one<T extends object>(text: string, values: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(text, values))[0];
  }

  private nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.preparedBudget) {
      name = `bw_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/** Builds a WHERE clause with numbered parameters, so optional filters stay injection-free. */
export class Conditions {
  private readonly parts: string[] = [];
  readonly values: unknown[] = [];

  /** `sql` uses `?` for each value, in order. */
  add(sql: string, ...values: unknown[]): this {
    const first = this.values.length;
    this.values.push(...values);
    let index = 0;
    this.parts.push(sql.replace(/\?/g, () => `$${first + ++index}`));
    return this;
  }

  /** A further parameter (a LIMIT, say), by its placeholder. */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A copy to extend (with a cursor) while this one still counts all pages. */
  clone(): Conditions {
    const copy = new Conditions();
    copy.parts.push(...this.parts);
    copy.values.push(...this.values);
    return copy;
  }

  get where(): string {
    return this.parts.length > 0 ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** A pattern for ILIKE that matches `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Drops the row_number column of a windowed query, leaving the record. */
export function withoutRank<T extends object>(row: T & { rn?: unknown }): T {
  const { rn: _rn, ...record } = row;
  return record as T;
}
