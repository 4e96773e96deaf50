import { randomUUID } from 'node:crypto';
import { authFromHeader } from '../auth/auth';
import type { Editor } from '../auth/token.service';
import type { FeedStreams } from '../feed/feed.streams';
import { createLoaders, type Loaders } from './loaders';
import type { Services } from './services';

/** What every resolver receives, HTTP and WebSocket alike. Built once per request or subscription. */
export interface Context {
  requestId: string;
  /** Where the request came from (rate limits); never logged. */
  clientAddress: string;
  loaders: Loaders;
  /** The editor behind the request's token, looked up on first use; null when none or invalid. */
  editor: () => Promise<Editor | null>;
  /** Subscription sources (type-graphql's `subscribe` functions only see the context). */
  streams: FeedStreams;
  /** Whom the operation runs for: its socket over WebSocket. A client's feed replays take turns with other clients'. */
  client: object;
}

export interface ContextSource {
  requestId?: string | undefined;
  authorization?: string | undefined;
  clientAddress?: string | undefined;
  /** The WebSocket the operation came on. */
  socket?: object | undefined;
}

export function createContext(services: Services, streams: FeedStreams, source: ContextSource): Context {
  let loaders: Loaders | undefined;
  return {
    requestId: source.requestId ?? randomUUID(),
    clientAddress: source.clientAddress ?? 'unknown',
    // Created on first use: a subscribed socket's own context never loads anything (its events are
    // executed with a context of their own, see SharedExecution), so it should not carry a dozen loaders.
    get loaders() {
      return (loaders ??= createLoaders(services));
    },
    editor: authFromHeader(source.authorization, services.tokens),
    streams,
    client: source.socket ?? {},
  };
}
