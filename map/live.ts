import { createClient, type Client } from 'graphql-ws';
import { liveFilter, MAP_LIVE } from '../src/map/map.queries';
import { GRAPHQL_WS_URL } from './api';
import type { MapPolicy } from './rules';

/** One edge of MAP_LIVE. */
export interface LiveEdge {
  cursor: string;
  kind: string;
  committedAt: string;
  node:
    | { __typename: 'PolicyChange' | 'PolicyInForce'; direction: string; policy: MapPolicy & { countryCode: string; nationality: string; country: { name: string } } }
    | { __typename: 'Retraction'; reason: string; target: { __typename: string; id?: string; countryCode?: string; nationality?: string; country?: { name: string } } };
}

export type LiveState = 'connecting' | 'live' | 'offline' | 'failed';

/** A socket that hears nothing back this long after a ping is taken for dead (a network that vanished sends no close). */
const PONG_TIMEOUT_MS = 5_000;

/**
 * The page's one WebSocket. graphql-ws retries nothing itself: it would resubscribe with the
 * `after` of the first subscription; followFeed resubscribes from the last cursor instead.
 */
export function liveClient(onState: (state: LiveState) => void): Client {
  let socket: WebSocket | null = null;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  return createClient({
    url: GRAPHQL_WS_URL,
    lazy: true,
    retryAttempts: 0,
    keepAlive: 10_000,
    on: {
      connecting: () => onState('connecting'),
      connected: (connected) => {
        socket = connected as WebSocket;
        onState('live');
      },
      closed: () => {
        socket = null;
        clearTimeout(pongTimer);
        onState('offline');
      },
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => socket?.readyState === WebSocket.OPEN && socket.close(4408, 'Pong timeout'), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });
}

/**
 * Every change for `nationality` committed after `after`, then live ones, for as long as it runs:
 * after a lost connection it resubscribes from the last cursor it handed on (no gap, no
 * duplicate), waiting 0.5 s, then longer, up to 8 s. Returns the function that stops it.
 */
export function followFeed(
  client: Client,
  nationality: string,
  after: string | null,
  onEdge: (edge: LiveEdge) => void,
  onState: (state: LiveState, detail?: string) => void,
): () => void {
  let stopped = false;
  let iterator: AsyncIterableIterator<unknown> | null = null;
  void (async () => {
    let delay = 500;
    while (!stopped) {
      const results = client.iterate<{ feed: LiveEdge }>({ query: MAP_LIVE, variables: { filter: liveFilter(nationality), after } });
      iterator = results;
      try {
        for await (const result of results) {
          if (result.errors) throw result.errors;
          const edge = result.data!.feed;
          after = edge.cursor;
          delay = 500;
          onEdge(edge);
        }
      } catch (error) {
        if (stopped) return;
        if (Array.isArray(error)) {
          const lagging = error.find((e) => e?.extensions?.code === 'FEED_LAGGING');
          // Fell too far behind: resume where the server says, at once.
          if (lagging) {
            after = lagging.extensions.resumeAfter as string;
            continue;
          }
          // A GraphQL error (a bad filter or cursor) would only come back: stop and say so.
          onState('failed', error.map((e) => e?.message).join('; '));
          return;
        }
      }
      if (stopped) return;
      onState('offline', `retrying in ${Math.round(delay / 100) / 10} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 8_000);
    }
  })();
  return () => {
    stopped = true;
    void iterator?.return?.();
  };
}
