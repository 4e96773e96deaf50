import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../common/errors';
import { translateDatabaseError } from '../db/errors';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { explainGraphqlLimit } from './limits/rules';

/** Codes whose message is meant for the client: ours, and the ones graphql-js and Apollo give on bad requests. */
const EXPECTED_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.BAD_REQUEST,
]);
EXPECTED_CODES.delete(ErrorCode.INTERNAL_SERVER_ERROR);
const OWN_CODES = new Set<string>(Object.values(ErrorCode));

export interface MaskOptions {
  /** Show unexpected errors' messages (development); never their stacks. */
  exposeUnexpected: boolean;
  requestId?: string;
  onUnexpected?: (error: unknown) => void;
}

/**
 * The one error policy for HTTP and WebSocket: an expected error keeps its
 * code and message; a database outage becomes SERVICE_UNAVAILABLE; anything
 * else becomes INTERNAL_SERVER_ERROR with the request id that is in the log.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, options: MaskOptions): GraphQLFormattedError {
  const explained = explainGraphqlLimit(formatted);
  if (explained) return explained;
  const original = unwrap(error);
  const code = expectedCode(formatted, original);
  if (code) return clientFacing(formatted, code);
  const translated = translateDatabaseError(original);
  if (translated) return { message: translated.message, path: formatted.path, extensions: { ...translated.extensions } };
  options.onUnexpected?.(original);
  return {
    message: options.exposeUnexpected && original instanceof Error ? original.message : 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(options.requestId ? { requestId: options.requestId } : {}) },
  };
}

/** The code a client gets for this error, as maskError decides it; for metrics and logs. */
export function errorCodeOf(error: unknown): string {
  const original = unwrap(error);
  const formatted = error instanceof GraphQLError ? error.toJSON() : { message: '' };
  return expectedCode(formatted, original) ?? translateDatabaseError(original)?.extensions.code?.toString() ?? ErrorCode.INTERNAL_SERVER_ERROR;
}

function unwrap(error: unknown): unknown {
  return error instanceof GraphQLError && error.originalError ? error.originalError : error;
}

/**
 * The code of an error meant for the client, or null. Our own codes win over
 * a wrapper's: Apollo files a validation rule's error (QUERY_TOO_DEEP) under
 * GRAPHQL_VALIDATION_FAILED.
 */
function expectedCode(formatted: GraphQLFormattedError, original: unknown): string | null {
  if (!(original instanceof GraphQLError)) return null;
  const own = original.extensions.code;
  // Apollo refuses some malformed requests (a persisted query whose text does not match its hash)
  // with an HTTP 4xx status and no code of its own: the client's mistake, told as such.
  if (own === undefined && isClientStatus(original.extensions.http)) return ApolloServerErrorCode.BAD_REQUEST;
  const code = typeof own === 'string' && OWN_CODES.has(own) ? own : (formatted.extensions?.code ?? own);
  return typeof code === 'string' && EXPECTED_CODES.has(code) ? code : null;
}

function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Without a stack trace, and without `http` (Apollo's status hint; graphql-ws would send it as is). */
function clientFacing(formatted: GraphQLFormattedError, code: string): GraphQLFormattedError {
  const { stacktrace: _stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions: { ...extensions, code } };
}

/** maskError for the streaming transports (WebSocket, SSE), which get a GraphQLError and the request id of their operation. */
export function streamErrorMask(config: Pick<Config, 'env'>, logger: Logger): (error: GraphQLError, requestId: string | undefined) => GraphQLFormattedError {
  return (error, requestId) =>
    maskError(error.toJSON(), error, {
      exposeUnexpected: config.env === 'development',
      ...(requestId ? { requestId } : {}),
      onUnexpected: (cause) => logger.error({ err: cause, requestId }, 'unexpected error'),
    });
}
