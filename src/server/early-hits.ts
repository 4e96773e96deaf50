import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { recordOperation } from './http-plugins';
import { logResponse, requestIdFor } from './http-guard';
import type { Context } from './context';
import type { InFlight } from './in-flight';
import type { Metrics } from './metrics';
import type { ResponseCache } from './response-cache';

/**
 * Early hits (issue 12 item 7): a request whose exact bytes already got a
 * cached answer is answered from node:http's 'request' event, before Express
 * and Apollo, with the answer the pipeline sent then: the same status,
 * headers (content type, cache-control, CORS, Vary, ETag) and body, a request
 * id of its own, and the same access log line, operation metrics and
 * response-cache hit count.
 *
 * Why it is correct:
 * - The answer is keyed by everything in the request that can change it: the
 *   method, the URL (GET) or body (POST), Accept (content negotiation),
 *   Origin (CORS) and Content-Type. Same bytes, same document, variables and
 *   operation: the pipeline would look up the same entry.
 * - It is learnt only from answers the response cache itself served or kept
 *   (no token, a query, no errors), and lives in the same cache: the same
 *   generation (the relay's committed sequence number and the UTC day), so a
 *   write this instance committed empties it before the next read, as it does
 *   for every answer.
 * - Limits, trusted documents and CSRF prevention passed on those bytes once
 *   and give the same verdict again; reads have no rate limit on HTTP. A GET
 *   must carry the preflight header CSRF prevention asks for, and conditional
 *   GETs (If-None-Match) go through Express, which answers 304.
 * - Only small requests (MAX_EARLY_REQUEST_BYTES): keys are client input, and
 *   a body is read here only when it fits; anything else goes to Express
 *   untouched.
 */
export const MAX_EARLY_REQUEST_BYTES = 16 * 1024;

const GRAPHQL_PATH = '/graphql';
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** The body this listener read, for express.json's stand-in (readBody) to parse. */
const PREREAD = Symbol('prereadBody');
/** The request's key, for the pipeline to learn its answer under (learnEarly). */
const REQUEST_KEY = Symbol('earlyRequestKey');

interface Marked {
  [PREREAD]?: string;
  [REQUEST_KEY]?: string;
}

export interface EarlyHitsDeps {
  answers: ResponseCache;
  metrics: Metrics;
  logger: Logger;
  inFlight: InFlight;
}

/** The server's 'request' listener: early hits answered here, everything else handed to `app` (Express). */
export function earlyHits({ answers, metrics, logger, inFlight }: EarlyHitsDeps, app: RequestListener): RequestListener {
  const answer = (req: IncomingMessage, res: ServerResponse, key: string) => {
    const started = performance.now();
    const hit = answers.early(key);
    if (!hit) {
      (req as Marked)[REQUEST_KEY] = key;
      app(req, res);
      return;
    }
    const requestId = requestIdFor(req.headers);
    inFlight.track(res);
    logResponse(logger, metrics, req.method!, GRAPHQL_PATH, res, requestId);
    res.writeHead(hit.status, { ...hit.headers, 'x-request-id': requestId });
    res.end(hit.body);
    recordOperation(metrics, logger, { requestId, operationName: hit.operationName, type: 'query', outcome: 'ok', ms: performance.now() - started });
  };

  return (req, res) => {
    const prefix = keyPrefix(req);
    if (prefix === null) {
      app(req, res);
      return;
    }
    if (req.method === 'GET') {
      answer(req, res, `${prefix}${req.url}`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      (req as Marked)[PREREAD] = body;
      answer(req, res, `${prefix}${body}`);
    });
    // The client went away mid-body: nobody to answer.
    req.on('error', () => res.destroy());
  };
}

/** What, besides the URL or body, makes the answer; null when the request is not one an early hit may answer. */
function keyPrefix(req: IncomingMessage): string | null {
  const { headers, method } = req;
  if (headers.authorization !== undefined) return null;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if ((query < 0 ? url : url.slice(0, query)) !== GRAPHQL_PATH) return null;
  if (method === 'GET') {
    if (headers['apollo-require-preflight'] === undefined && headers['x-apollo-operation-name'] === undefined) return null;
    if (headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined) return null;
    if (url.length > MAX_EARLY_REQUEST_BYTES) return null;
  } else if (method === 'POST') {
    if (!JSON_TYPE.test(headers['content-type'] ?? '')) return null;
    if (headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity') return null;
    const length = Number(headers['content-length']);
    if (!(length > 0 && length <= MAX_EARLY_REQUEST_BYTES)) return null;
  } else {
    return null;
  }
  return `${method}\n${headers.accept ?? ''}\n${headers.origin ?? ''}\n${headers['content-type'] ?? ''}\n`;
}

/**
 * express.json, or, when the early listener has read the body already, the
 * same parsing of that text (strict: an object or an array; empty is {}), its
 * failures going to the same error handler (bodyErrors).
 */
export function readBody(json: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const text = (req as Marked)[PREREAD];
    if (text === undefined) {
      json(req, res, next);
      return;
    }
    const trimmed = text.replace(/^\uFEFF/, '');
    const first = trimmed.trimStart()[0];
    try {
      if (trimmed.length > 0 && first !== '{' && first !== '[') throw new SyntaxError('strict violation');
      req.body = trimmed.length === 0 ? {} : JSON.parse(trimmed);
    } catch (error) {
      next(Object.assign(error as Error, { type: 'entity.parse.failed', status: 400 }));
      return;
    }
    next();
  };
}

/**
 * Just before Apollo: for a request the early listener could not answer,
 * keeps the answer as sent, if the response cache served or kept it.
 * `contextOf` gives the request's GraphQL context, by which the response
 * cache remembers what it did.
 */
export function learnEarly(answers: ResponseCache, contextOf: (res: Response) => Context | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = (req as Marked)[REQUEST_KEY];
    if (key === undefined) return next();
    let body: string | undefined;
    const send = res.send.bind(res);
    res.send = (sent?: unknown) => {
      if (typeof sent === 'string') body = sent;
      return send(sent);
    };
    res.once('finish', () => {
      const context = contextOf(res);
      const from = context ? answers.answered(context) : undefined;
      if (!from || body === undefined || res.statusCode !== 200) return;
      const { 'x-request-id': _own, ...headers } = res.getHeaders() as OutgoingHttpHeaders;
      answers.learn(key, from.generation, { status: res.statusCode, headers, body, operationName: from.operationName });
    });
    next();
  };
}
