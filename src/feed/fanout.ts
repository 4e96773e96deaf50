import { createSourceEventStream, execute, getOperationAST, print, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { declaredVariables } from '../server/limits/operation-key';

/**
 * Shared subscription execution (the fan-out optimisation).
 *
 * graphql-ws runs a subscription's selection once per socket for every event, then serialises
 * the result once per socket: with thousands of sockets on the same document, that is
 * thousands of identical executions (each with its SQL) and serialisations per feed entry.
 * Here each socket keeps its own source stream (its filter, its resume cursor, its queue and
 * lag limit: what it receives, and in which order, is unchanged), but the selection is
 * executed once per (document, operation name, declared variables, event) and serialised once; every
 * socket receiving that event gets the same result, written as the same `next` message
 * graphql-ws would have written.
 *
 * Sharing is sound because a subscription's result depends only on the document, the variables
 * and the root value: no field of a subscription payload reads per-request state (the editor's
 * token is for mutations), and each shared execution gets a fresh context of its own, so no
 * socket's loaders ever hold another's data. An event is recognised by its `seq` (a feed
 * entry); a root value without one is executed per socket. Results are kept `ttlMs` after they
 * were first asked for, long enough for every socket to get the same event, and at most
 * `maxEntries` of them. Operations are told apart by the canonical key of the variables they
 * declare (src/server/limits/operation-key.ts), so a variable nobody declared cannot split them.
 *
 * Sockets registered with `attach` (graphql-ws over `ws`) get the serialised message written to
 * the socket directly ("direct mode"): graphql-ws still owns the protocol (subscribe, complete,
 * errors, close), it only sees an iterator that ends when the stream ends. Others go through
 * graphql-ws's own `next` path with the shared result.
 */
export interface SharedExecutionOptions {
  /** A context for one shared execution (the socket's own context stays with its source stream). */
  contextFor?: (socketContext: unknown) => unknown;
  ttlMs?: number;
  maxEntries?: number;
  /** Direct mode waits for the socket to drain past this many buffered bytes (backpressure). */
  highWaterMark?: number;
  /**
   * Errors in a result, as the socket's client is to see them (graphql-ws's onNext does this on its own path);
   * a result with errors is then serialised for each socket. Without it errors go out as graphql-ws writes them.
   */
  maskErrors?: (errors: readonly GraphQLError[], socketContext: unknown) => GraphQLFormattedError[];
  /** A failure nobody is left to be told of (the client completed the subscription first). */
  onAbandoned?: (error: unknown) => void;
}

/** The few members of a `ws` WebSocket that direct mode uses. */
export interface DirectSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string, callback?: (error?: Error) => void): void;
}

interface Target {
  socket: DirectSocket;
  id: string;
}

interface Cached {
  result: Promise<ExecutionResult>;
  payload?: Promise<string>;
}

const OPEN = 1;
/** Memory for operation keys (each holds a document's text and its declared variables). */
const OPERATION_KEY_BYTES = 8 * 2 ** 20;

export class SharedExecution {
  private readonly results: LRUCache<string, Cached>;
  private readonly documentKeys = new WeakMap<DocumentNode, string>();
  /**
   * Each distinct (document, operation, declared variables) gets a short id, so event keys stay
   * short. Ids are never reused: a subscription holding an evicted id can never share a newer
   * operation's results.
   */
  private readonly operationIds = new LRUCache<string, number>({ maxSize: OPERATION_KEY_BYTES, sizeCalculation: (_id, key) => key.length + 16 });
  private nextOperationId = 0;
  private readonly targets = new WeakMap<object, Target>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Executions run and executions shared, for tests and metrics. */
  executed = 0;
  shared = 0;
  /** Direct mode waits for the socket to drain past this many buffered bytes (backpressure). */
  readonly highWaterMark: number;

  constructor(readonly options: SharedExecutionOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.highWaterMark = options.highWaterMark ?? 64 * 1024;
    this.results = new LRUCache({ max: this.maxEntries, ttl: this.ttlMs });
  }

  /** Lets the subscription whose context this is write its `next` messages to `socket` directly. */
  attach(contextValue: object, socket: DirectSocket, id: string): void {
    this.targets.set(contextValue, { socket, id });
  }

  /** For graphql-ws's `subscribe` option: graphql-js's subscribe, with shared execution of each event. */
  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    const operationId = this.operationIdOf(args);
    const target = typeof args.contextValue === 'object' && args.contextValue !== null ? this.targets.get(args.contextValue) : undefined;
    const iterator = source as AsyncIterableIterator<unknown>;
    if (target) return new DirectPump(this, iterator, target, operationId, args);
    return mapAsyncIterator(iterator, (root) => this.resultFor(operationId, root, args).result);
  };

  /** Null when its variables do not fit (execution refuses them): such a subscription shares nothing. */
  private operationIdOf(args: ExecutionArgs): number | null {
    const operation = getOperationAST(args.document, args.operationName);
    const variables = operation ? declaredVariables(args.schema, operation, args.variableValues).key : null;
    if (variables === null) return null;
    const key = `${this.documentKey(args.document)}\u0000${args.operationName ?? ''}\u0000${variables}`;
    let id = this.operationIds.get(key);
    if (id === undefined) {
      id = this.nextOperationId++;
      this.operationIds.set(key, id);
    }
    return id;
  }

  private resultFor(operationId: number | null, root: unknown, args: ExecutionArgs): Cached {
    const eventKey = eventKeyOf(root);
    const run = (): Cached => {
      this.executed += 1;
      const contextValue = this.options.contextFor ? this.options.contextFor(args.contextValue) : args.contextValue;
      return { result: Promise.resolve(execute({ ...args, rootValue: root, contextValue })) };
    };
    if (eventKey === null || operationId === null) return run();
    const key = `${operationId}:${eventKey}`;
    const cached = this.results.get(key);
    if (cached) {
      this.shared += 1;
      return cached;
    }
    const fresh = run();
    this.results.set(key, fresh);
    return fresh;
  }

  /**
   * The `next` message's payload, serialised once, exactly as graphql-ws serialises it; a result with
   * errors, when they are masked per socket, is serialised for this socket.
   */
  async payloadFor(operationId: number | null, root: unknown, args: ExecutionArgs): Promise<string> {
    const cached = this.resultFor(operationId, root, args);
    const result = await cached.result;
    if (result.errors && this.options.maskErrors) {
      const { errors, ...rest } = result;
      return JSON.stringify({ ...rest, errors: this.options.maskErrors(errors, args.contextValue) });
    }
    cached.payload ??= cached.result.then(({ errors, ...rest }) => JSON.stringify({ ...rest, ...(errors ? { errors: errors.map((e) => e.toJSON()) } : {}) }));
    return cached.payload;
  }

  private documentKey(document: DocumentNode): string {
    let key = this.documentKeys.get(document);
    if (key === undefined) {
      key = print(document);
      this.documentKeys.set(document, key);
    }
    return key;
  }
}

/**
 * Direct mode: reads the socket's source stream and writes each event's message itself. The
 * iterator handed to graphql-ws yields nothing and ends with the stream (graphql-ws then sends
 * `complete`), or throws the stream's error (graphql-ws sends `error`); its return() (client
 * sent `complete`, socket closed) stops the stream.
 *
 * A class, not closures around a loop: an idle subscription is one of these waiting for its next
 * event, and with thousands of sockets every closure (and every method of an object literal) is
 * thousands of objects.
 */
class DirectPump implements AsyncIterableIterator<ExecutionResult> {
  private stopped = false;
  private readonly outcome: Promise<{ error: unknown } | null>;

  constructor(
    private readonly shared: SharedExecution,
    private readonly source: AsyncIterableIterator<unknown>,
    private readonly target: Target,
    private readonly operationId: number | null,
    private readonly args: ExecutionArgs,
  ) {
    // Running before graphql-ws holds this iterator: the client may complete the subscription first, and
    // then nobody asks for next(). So the outcome never rejects: a failure goes to graphql-ws through next()
    // (an `error` message ending the subscription), or, once the client is gone, to onAbandoned.
    this.outcome = this.run();
  }

  /**
   * Writes every event until the stream ends, the socket goes or return() stops it; then releases the source
   * (graphql-ws forgets a subscription once its iterator is done, and the socket's close, heard a moment after
   * its state changed, finds none to end). One async frame, no promise chain around it: it waits for hours.
   */
  private async run(): Promise<{ error: unknown } | null> {
    const { socket, id } = this.target;
    try {
      for (;;) {
        const step = await this.source.next();
        if (step.done || this.stopped) break;
        const payload = await this.shared.payloadFor(this.operationId, step.value, this.args);
        if (this.stopped || socket.readyState !== OPEN) break;
        const message = `{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`;
        if (socket.bufferedAmount < this.shared.highWaterMark) socket.send(message);
        else {
          // A slow reader: wait for this message to leave, so its backlog stays in its feed queue (and its lag limit applies).
          await new Promise<void>((resolve) => socket.send(message, () => resolve()));
        }
      }
    } catch (error) {
      if (this.stopped) {
        this.shared.options.onAbandoned?.(error);
        return null;
      }
      await this.stop();
      return { error };
    }
    await this.stop();
    return null;
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    try {
      await this.source.return?.();
    } catch (error) {
      this.shared.options.onAbandoned?.(error);
    }
  }

  /** Not an async method: graphql-ws waits on this for the subscription's lifetime, and a promise costs less than a suspended frame. */
  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.outcome.then(endOf);
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.stop();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.stop();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** How a direct-mode iterator ends: done, or with the stream's error. */
function endOf(failed: { error: unknown } | null): IteratorResult<ExecutionResult> {
  if (failed) throw failed.error;
  return { done: true, value: undefined };
}

function eventKeyOf(root: unknown): string | null {
  const seq = (root as { seq?: unknown } | null)?.seq;
  return typeof seq === 'bigint' || typeof seq === 'number' || typeof seq === 'string' ? String(seq) : null;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/** Maps each value of a source iterator; return() and throw() reach the source at once (unsubscribe). */
function mapAsyncIterator<T, U>(source: AsyncIterableIterator<T>, map: (value: T) => Promise<U>): AsyncIterableIterator<U> {
  return {
    async next() {
      const step = await source.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: await map(step.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
