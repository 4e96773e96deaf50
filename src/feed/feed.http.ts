import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { BadUserInputError } from '../common/errors';
import type { Config } from '../config/config';
import { translateDatabaseError } from '../db/errors';
import { corsPolicy } from '../server/cors';
import type { Services } from '../server/services';
import { FeedArticles } from './feed.articles';
import { toAtom, toJsonFeed, type FeedMeta } from './feed.documents';
import { parseFeedParams, type FeedParams } from './feed.params';

/** Items in a document when `first` is absent: a news reader wants more than a GraphQL page. */
const DEFAULT_ITEMS = 50;

const FORMATS = {
  atom: { path: '/feed.atom', type: 'application/atom+xml; charset=utf-8', render: toAtom },
  json: { path: '/feed.json', type: 'application/feed+json; charset=utf-8', render: toJsonFeed },
} as const;

/** GET /feed.atom and /feed.json: the newest feed items for news readers, filtered like the GraphQL feed. */
export function feedRoutes(services: Services, config: Config, logger: Logger): Router {
  const articles = new FeedArticles(services.feed, services.catalog);
  const limits = { default: Math.min(DEFAULT_ITEMS, config.pageSize.max), max: config.pageSize.max };
  // The API's CORS policy: pages allowed to read GraphQL may read the feeds too.
  const cors = corsPolicy(config);
  const router = Router();
  for (const format of Object.values(FORMATS)) {
    router.get(format.path, cors, async (req, res) => {
      try {
        const params = parseFeedParams(req.query as Record<string, unknown>, services.catalog, limits);
        const latest = await articles.latest(params.filter, params.first);
        const body = await format.render(latest, metaFor(req, params, services));
        // As public as an anonymous GraphQL read, and kept as long.
        res.type(format.type).set('cache-control', `public, max-age=${config.cacheMaxAge}`).send(body);
      } catch (error) {
        problem(res, error, logger);
      }
    });
  }
  return router;
}

function metaFor(req: Request, params: FeedParams, services: Services): FeedMeta {
  const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const countries = params.filter?.countryCodes?.map((code) => services.catalog.get(code)?.name ?? code);
  const kinds = params.filter?.kinds?.map((kind) => kind.toLowerCase().replace(/_/g, ' '));
  const nationality = params.filter?.nationality;
  return {
    title: ['Borderwatch', countries?.join(', '), kinds ? `(${kinds.join(', ')})` : null, nationality ? `for ${nationality} citizens` : null]
      .filter(Boolean)
      .join(' '),
    selfUrl: `${origin}${req.originalUrl}`,
    atomUrl: `${origin}${FORMATS.atom.path}${search}`,
    jsonUrl: `${origin}${FORMATS.json.path}${search}`,
    graphqlUrl: `${origin}/graphql`,
  };
}

/** Errors as RFC 9457 problem details: a bad parameter is named, with the reason. */
export function problem(res: Response, error: unknown, logger: Logger): void {
  const send = (status: number, title: string, extra: Record<string, unknown>) =>
    res.status(status).type('application/problem+json').set('cache-control', 'no-store').send(JSON.stringify({ type: 'about:blank', title, status, ...extra }));
  if (error instanceof BadUserInputError) {
    send(400, 'Bad Request', { detail: error.message, parameter: error.field, reason: error.reason });
    return;
  }
  const translated = translateDatabaseError(error);
  if (translated) {
    send(503, 'Service Unavailable', { detail: translated.message });
    return;
  }
  logger.error({ err: error }, 'news feed failed');
  send(500, 'Internal Server Error', {});
}
