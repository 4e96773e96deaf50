import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors';
import type { Metrics } from './metrics';

/**
 * Express middleware around /graphql: request ids and the access log, and
 * answers in GraphQL's error shape (never an HTML page) for what is refused
 * before Apollo sees it: bodies over the limit (413), charsets other than
 * UTF-8 (415), malformed JSON (400); and, after every route, for paths no
 * route answers and errors nothing else handled.
 */

/** Probed every few seconds by orchestrators: logged at debug level only. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** A client's X-Request-Id when it is sane, or a new one; echoed in the response and in every log line. */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFor(req.headers);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    // Read now: routers mounted on a path rewrite req.path while they run.
    logResponse(logger, metrics, req.method, req.path, res, requestId);
    next();
  };
}

export function requestIdFor(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
}

/** The access log line and the response counter, once the response is sent (also for early hits, src/server/early-hits.ts). */
export function logResponse(logger: Logger, metrics: Metrics, method: string, path: string, res: ServerResponse, requestId: string): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    metrics.httpResponse(res.statusCode);
    // The path without its query string (a GET carries the whole operation there); no headers, no address.
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger[PROBES.has(path) ? 'debug' : 'info']({ requestId, method, path, status: res.statusCode, ms: Math.round(ms) }, 'request');
  });
}

/** JSON must come as UTF-8: body-parser would decode UTF-16 and UTF-32 too, and a charset Apollo does not expect is refused. */
export const utf8Only: RequestHandler = (req, res, next) => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (req.method === 'POST' && charset && charset !== 'utf-8' && charset !== 'utf8') {
    refuse(res, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Unsupported charset "${charset}": send JSON in UTF-8.`);
    return;
  }
  next();
};

/** Errors of express.json (and anything else before Apollo), as GraphQL errors with a code. */
export function bodyErrors(logger: Logger): ErrorRequestHandler {
  return (error: { type?: string; status?: number; limit?: number }, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    switch (error.type) {
      case 'entity.too.large':
        refuse(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${error.limit ?? 'the limit of'} bytes.`);
        return;
      case 'charset.unsupported':
      case 'encoding.unsupported':
        refuse(res, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported body encoding: send JSON in UTF-8, uncompressed or gzip/deflate.');
        return;
      case 'entity.parse.failed':
        refuse(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      refuse(res, error.status, 'BAD_REQUEST', 'The request could not be read.');
      return;
    }
    // Not the error itself: body-parser's errors carry the raw body.
    logger.error({ err: { message: (error as Error).message, type: error.type }, requestId: res.locals.requestId }, 'unexpected error before GraphQL');
    refuse(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', { requestId: res.locals.requestId });
  };
}

/** Any method on any path no route answers: 404, in the same JSON shape (not Express's HTML page). */
export const notFound: RequestHandler = (_req, res) => {
  refuse(res, 404, ErrorCode.NOT_FOUND, 'Nothing here: the API is POST /graphql.');
};

/**
 * The last error handler, for whatever a route or middleware passes on (a
 * static file that is not there, a URL that does not decode, a bug). Express's
 * own would send the stack trace unless NODE_ENV is production: here no
 * answer carries one, in any mode. Client errors keep their status; anything
 * else is a 500 logged with its cause and the request id it answers with.
 */
export function finalErrors(logger: Logger): ErrorRequestHandler {
  return (error: { status?: unknown; statusCode?: unknown }, _req, res, next) => {
    if (res.headersSent) {
      // Too late to answer: Express cuts the connection, and sends nothing.
      next(error);
      return;
    }
    const status = Number(error.status ?? error.statusCode);
    if (status === 404) refuse(res, 404, ErrorCode.NOT_FOUND, 'Nothing here: the API is POST /graphql.');
    else if (status === 403) refuse(res, 403, ErrorCode.FORBIDDEN, 'Forbidden.');
    else if (status >= 400 && status < 500) refuse(res, status, 'BAD_REQUEST', 'The request could not be read.');
    else {
      logger.error({ err: error, requestId: res.locals.requestId }, 'unexpected error outside GraphQL');
      refuse(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', { requestId: res.locals.requestId });
    }
  };
}

function refuse(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}
