import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../common/errors';
import { translateDatabaseError } from '../db/errors';

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
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (original instanceof GraphQLError) {
    const code = formatted.extensions?.code ?? original.extensions.code;
    if (typeof code === 'string' && EXPECTED_CODES.has(code)) return withoutStack(formatted);
    // Apollo refuses some malformed requests (a persisted query whose text does not match its hash)
    // with an HTTP 4xx status and no code of its own (Apollo then says INTERNAL_SERVER_ERROR): the
    // client's mistake, told as such.
    if (original.extensions.code === undefined && isClientStatus(original.extensions.http)) {
      return { ...withoutStack(formatted), extensions: { ...formatted.extensions, code: ApolloServerErrorCode.BAD_REQUEST } };
    }
  }
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

function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
