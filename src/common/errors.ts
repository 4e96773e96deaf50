import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values. Clients switch on these, so never rename one. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /** A subscriber fell too far behind; resubscribe with `after: extensions.resumeAfter` to get the rest. */
  FEED_LAGGING = 'FEED_LAGGING',
  /** Refusals of an operation's shape (src/server/limits), before anything runs; HTTP 400. */
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  TOO_MANY_DIRECTIVES = 'TOO_MANY_DIRECTIVES',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED',
  /** One socket asked for more concurrent subscriptions than WS_MAX_SUBSCRIPTIONS. */
  TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS',
  /** HTTP refusals before GraphQL: body over the limit (413), a charset or type other than JSON in UTF-8 (415). */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** TRUSTED_DOCUMENTS_ONLY: the operation is not in the trusted-documents manifest (HTTP 400). */
  PERSISTED_QUERY_NOT_ALLOWED = 'PERSISTED_QUERY_NOT_ALLOWED',
}

/** An error we expect and explain; it reaches the client with its code and message. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** Bad input, naming the offending field (a dotted path such as `input.sources.0.url`). */
export class BadUserInputError extends AppError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(ErrorCode.BAD_USER_INPUT, `${field}: ${reason}`, { field, reason });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(ErrorCode.NOT_FOUND, `${what} ${id} does not exist`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(ErrorCode.CONFLICT, message, extensions);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid editor token is required (Authorization: Bearer <token>)') {
    super(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(what: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, `${what} is unavailable; try again shortly`);
  }
}

/** Ends an exhaustive switch: the compiler proves it unreachable. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${String(value)}`);
  }
}
