import type { ServerResponse } from 'node:http';
import { Router, type Request } from 'express';
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { BadUserInputError, ErrorCode } from '../common/errors';
import type { Config } from '../config/config';
import type { FeedEntry } from '../generated/prisma/client';
import { corsPolicy } from '../server/cors';
import { errorCodeOf, streamErrorMask } from '../server/errors';
import type { EventStreams } from '../server/event-streams';
import type { Services } from '../server/services';
import { FeedArticles } from './feed.articles';
import { jsonFeedItems } from './feed.documents';
import { problem } from './feed.http';
import { parseFeedStreamParams, type FeedStreamParams } from './feed.params';
import type { FeedStreams } from './feed.streams';

export const FEED_STREAM_PATH = '/feed/stream';
/** EventSource's reconnection delay, sent once: a client dropped by a restart comes back within a second. */
const RETRY_MS = 1_000;
/** Rendered items kept for the other streams that send the same entry (rendering reads four tables). */
const RENDERED_ITEMS = 1_000;
const RENDERED_TTL_MS = 5_000;

/**
 * GET /feed/stream: the feed as Server-Sent Events, for EventSource and `curl -N`. Each event's
 * `id:` is the item's feed cursor and its `data:` the JSON Feed item /feed.json has for it; the
 * stream starts after `Last-Event-ID` (sent by a reconnecting EventSource) or `?after=`, else
 * with the next item. It is the same subscription as GraphQL's `feed` (src/feed/feed.streams.ts):
 * filter, replay, no gap, no duplicate, the lag limit (FEED_MAX_QUEUE). A reader that falls behind
 * gets a `lagging` event with the cursor to resume from, then the stream ends.
 */
export function feedStreamRoute(services: Services, feedStreams: FeedStreams, eventStreams: EventStreams, config: Config, logger: Logger): Router {
  const articles = new FeedArticles(services.feed, services.catalog);
  const rendered = new LRUCache<string, Promise<string>>({ max: RENDERED_ITEMS, ttl: RENDERED_TTL_MS });
  const render = (entry: FeedEntry, graphqlUrl: string): Promise<string> => {
    const key = `${graphqlUrl}\u0000${entry.seq}`;
    let item = rendered.get(key);
    if (!item) {
      item = articles.of([entry]).then(async (list) => JSON.stringify((await jsonFeedItems(list, metaFor(graphqlUrl)))[0]));
      // A failed rendering is not kept: the reader's reconnection tries again.
      item.catch(() => rendered.delete(key));
      rendered.set(key, item);
    }
    return item;
  };
  const mask = streamErrorMask(config, logger);

  const router = Router();
  router.get(FEED_STREAM_PATH, corsPolicy(config), async (req, res) => {
    let params: FeedStreamParams;
    let after: string | null;
    try {
      params = parseFeedStreamParams(req.query as Record<string, unknown>, services.catalog);
      ({ after } = resumePoint(req, params, (cursor, field) => services.feed.seqOf(cursor, field)));
    } catch (error) {
      problem(res, error, logger);
      return;
    }
    const refusal = await eventStreams.admit(req, res);
    if (refusal) {
      if (refusal.retryAfter !== undefined) res.set('retry-after', String(refusal.retryAfter));
      res.status(refusal.status).type('application/problem+json').set('cache-control', 'no-store');
      res.send(JSON.stringify({ type: 'about:blank', title: refusal.status === 429 ? 'Too Many Requests' : 'Service Unavailable', status: refusal.status, detail: refusal.message }));
      return;
    }
    let subscription;
    try {
      // The response names this reader: its replay queries take turns with other readers'.
      subscription = await feedStreams.entries(params.filter, after, res);
    } catch (error) {
      problem(res, renamed(error, req), logger);
      return;
    }

    // The reader may have gone while its subscription opened: nobody will close this stream later.
    if (res.closed || res.destroyed || req.socket.destroyed) {
      await subscription.return();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
    });
    // A first line at once: EventSource reports the stream open, and proxies see bytes.
    res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    let ended = false;
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), config.sse.heartbeatMs);
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      void subscription.return();
      res.end();
    };
    res.once('close', end);
    eventStreams.add('feed', res, end);

    const graphqlUrl = `${req.protocol}://${req.get('host') ?? 'localhost'}/graphql`;
    try {
      for (let step = await subscription.next(); !step.done && !ended; step = await subscription.next()) {
        const data = await render(step.value, graphqlUrl);
        if (ended) break;
        // Past the socket's high-water mark the next entry waits in the subscription's queue, where the lag limit applies.
        if (!res.write(`id: ${services.feed.cursorOf(step.value.seq)}\ndata: ${data}\n\n`)) await drained(res);
      }
    } catch (error) {
      if (!ended) writeEnding(res, error, res.getHeader('x-request-id') as string | undefined);
    }
    end();
  });
  return router;

  /** The last event of a stream that fails: `lagging` with where to resume, or `error` with the error as GraphQL clients see it. */
  function writeEnding(res: ServerResponse, error: unknown, requestId: string | undefined): void {
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError((error as Error | null)?.message ?? 'failed', { originalError: error as Error });
    const shown = mask(graphqlError, requestId);
    const resumeAfter = shown.extensions?.resumeAfter;
    if (errorCodeOf(graphqlError) === ErrorCode.FEED_LAGGING && typeof resumeAfter === 'string') {
      res.write(`event: lagging\nid: ${resumeAfter}\ndata: ${JSON.stringify({ message: shown.message, code: ErrorCode.FEED_LAGGING, resumeAfter })}\n\n`);
      return;
    }
    res.write(`event: error\ndata: ${JSON.stringify({ message: shown.message, ...shown.extensions })}\n\n`);
  }
}

/**
 * Where the stream starts: a reconnecting EventSource's Last-Event-ID wins over the `after` its URL still
 * carries from the first connection. A cursor is checked here, named by where it came from.
 */
function resumePoint(req: Request, params: FeedStreamParams, check: (cursor: string, field: string) => bigint): { after: string | null } {
  const header = req.get('last-event-id');
  if (header !== undefined && header !== '') {
    check(header, 'Last-Event-ID');
    return { after: header };
  }
  if (params.after !== null) check(params.after, 'after');
  return { after: params.after };
}

/** The subscription names a cursor ahead of the feed `after`; from the header it is Last-Event-ID. */
function renamed(error: unknown, req: Request): unknown {
  if (error instanceof BadUserInputError && error.field === 'after' && req.get('last-event-id')) return new BadUserInputError('Last-Event-ID', error.reason);
  return error;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function metaFor(graphqlUrl: string) {
  // Only the items are sent: the document's own links are not, and its title is never seen.
  return { title: 'Borderwatch', selfUrl: graphqlUrl, atomUrl: graphqlUrl, jsonUrl: graphqlUrl, graphqlUrl };
}
