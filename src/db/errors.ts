import { Prisma } from '../generated/prisma/client';
import { AppError, ConflictError, ErrorCode, ServiceUnavailableError } from '../common/errors';

const CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);
/** What @prisma/adapter-pg reports (meta.driverAdapterError.cause.kind) when the server cannot be used. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** statement_timeout (DB_STATEMENT_TIMEOUT_MS) cancelled the statement. */
const QUERY_CANCELED = '57014';

/**
 * Database failures that mean something to a client, as stable errors:
 * unreachable or overloaded database → SERVICE_UNAVAILABLE, unique key → CONFLICT.
 * Anything else stays unexpected (and is masked).
 */
export function translateDatabaseError(error: unknown): AppError | null {
  const adapterCause = driverAdapterCause(error);
  if (adapterCause && UNREACHABLE_KINDS.has(String(adapterCause.kind))) return new ServiceUnavailableError('the database');
  if (adapterCause?.code === QUERY_CANCELED || (error as { code?: unknown } | null)?.code === QUERY_CANCELED) {
    return new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'the database took too long to answer; try again shortly');
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') return new ConflictError('a record with the same key already exists');
    if (CONNECTION_CODES.has(error.code)) return new ServiceUnavailableError('the database');
  }
  if (error instanceof Prisma.PrismaClientInitializationError) return new ServiceUnavailableError('the database');
  if (isConnectionFailure(error)) return new ServiceUnavailableError('the database');
  return null;
}

/** The pg-level failure behind a Prisma error on the driver-adapter path, if any. */
function driverAdapterCause(error: unknown): { kind?: unknown; code?: unknown } | null {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: unknown } } } | null)?.meta;
  const cause = meta?.driverAdapterError?.cause ?? (error as { cause?: unknown } | null)?.cause;
  return typeof cause === 'object' && cause !== null ? (cause as { kind?: unknown; code?: unknown }) : null;
}

/** The server could not be reached or went away (connection refused, reset, terminated, starting up). */
export function isConnectionFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK_ERRNOS.has(code)) return true;
    if (typeof message === 'string' && /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|not queryable/i.test(message)) {
      return true;
    }
    // Through Prisma's driver-adapter wrapper too: a backend terminated mid-transaction (57P01) arrives as P2010.
    e = driverAdapterCause(e);
  }
  return false;
}
