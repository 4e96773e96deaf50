import { authFromHeader, type AuthContext } from '../auth/auth';
import type { Editor } from '../auth/token.service';
import type { FeedStreams } from '../feed/feed.streams';
import { createLoaders, type Loaders } from './loaders';
import { newRequestId } from './request-id';
import type { Services } from './services';

/** What every resolver receives, HTTP and WebSocket alike. Built once per request or subscription. */
export interface Context extends AuthContext {
  requestId: string;
  /** Where the request came from (rate limits); never logged. */
  clientAddress: string;
  loaders: Loaders;
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
  return new RequestContext(services, streams, source);
}

/**
 * A class rather than an object literal with closures: a subscribed socket keeps its context for its
 * lifetime, and thousands of idle sockets should each hold a few fields, not a getter, an editor
 * lookup and their scopes.
 */
class RequestContext implements Context {
  readonly requestId: string;
  readonly clientAddress: string;
  readonly client: object;
  private readonly authorization: string | undefined;
  private lazyLoaders: Loaders | undefined;
  private lazyEditor: Promise<Editor | null> | undefined;

  constructor(
    private readonly services: Services,
    readonly streams: FeedStreams,
    source: ContextSource,
  ) {
    this.requestId = source.requestId ?? newRequestId();
    this.clientAddress = source.clientAddress ?? 'unknown';
    this.authorization = source.authorization;
    this.client = source.socket ?? {};
  }

  /**
   * Created on first use: a subscribed socket's own context never loads anything (its events are
   * executed with a context of their own, see SharedExecution), so it should not carry a dozen loaders.
   */
  get loaders(): Loaders {
    return (this.lazyLoaders ??= createLoaders(this.services));
  }

  /** The editor behind the request's token (src/auth/auth.ts), looked up on first use. */
  editor(): Promise<Editor | null> {
    return (this.lazyEditor ??= authFromHeader(this.authorization, this.services.tokens)());
  }
}
