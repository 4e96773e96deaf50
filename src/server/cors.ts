import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from '../config/config';

/**
 * Cross-origin access for the origins in CORS_ORIGINS, exactly as written
 * (scheme, host and port); none by default, so only same-origin pages call
 * the API from a browser. This only lets allowed pages read answers: Apollo's
 * CSRF prevention still refuses requests a browser would send without a preflight.
 */
export function corsPolicy(config: Pick<Config, 'corsOrigins'>, extra: { methods?: string[]; headers?: string[] } = {}): RequestHandler {
  const allowed = new Set(config.corsOrigins);
  const policy = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', ...(extra.methods ?? [])],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', ...(extra.headers ?? [])],
    // Browsers may reuse a preflight answer for ten minutes.
    maxAge: 600,
  });
  // Most requests carry no Origin (servers, scripts, same-origin GETs): nothing to decide, only
  // the Vary that keeps shared caches from handing their answer to a cross-origin page.
  return (req, res, next) => {
    if (req.headers.origin === undefined) {
      res.append('Vary', 'Origin');
      next();
      return;
    }
    policy(req, res, next);
  };
}
