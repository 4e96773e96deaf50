/**
 * What a data module needs to run a statement: the two raw methods of a Prisma client or interactive
 * transaction, which src/db/pg-transaction.ts also offers over a bare pg connection. Structural, and
 * importing nothing, so that a data module names no client and test/unit/model-generator.test.ts can
 * type-check one against a regenerated model on its own.
 */
export interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}
