import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';

/** The pieces of GraphQL over SSE (src/server/sse.ts) that pace what an event stream is written. */

/**
 * An event stream's response, for the operations that write to it: they read their next event only
 * once it takes more (its buffer below the high-water mark). A slow reader's backlog then stays in
 * its feed subscription's queue, where FEED_MAX_QUEUE applies, as on WebSocket (src/feed/fanout.ts).
 */
export class Outlet {
  constructor(private readonly res: ServerResponse) {}

  get closed(): boolean {
    return this.res.closed || this.res.destroyed;
  }

  writable(): Promise<void> {
    if (!this.res.writableNeedDrain || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}

/**
 * A subscription's results, read only while its stream takes more (`outlet`); the stream's error
 * (FEED_LAGGING with where to resume, SERVICE_UNAVAILABLE) becomes its last result, as graphql-ws
 * sends it in an `error` message, and the operation completes: graphql-sse would otherwise end the
 * whole stream, every other operation on a reservation with it.
 */
export function paced(source: AsyncIterableIterator<ExecutionResult>, outlet: Promise<Outlet | null>, released?: () => void): AsyncIterableIterator<ExecutionResult> {
  let done = false;
  const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
    if (!done) {
      done = true;
      released?.();
      await source.return?.();
    }
    return { done: true, value: undefined };
  };
  return {
    async next() {
      if (done) return { done: true, value: undefined };
      const target = await outlet;
      if (!target || target.closed) return finish();
      await target.writable();
      if (done) return { done: true, value: undefined };
      try {
        const step = await source.next();
        if (step.done) return finish();
        return step;
      } catch (error) {
        await finish();
        return { done: false, value: { errors: [error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error })] } };
      }
    },
    return: finish,
    async throw() {
      return finish();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export function once(result: ExecutionResult): AsyncIterableIterator<ExecutionResult> {
  let sent = false;
  return {
    async next() {
      if (sent) return { done: true, value: undefined };
      sent = true;
      return { done: false, value: result };
    },
    async return() {
      sent = true;
      return { done: true, value: undefined };
    },
    async throw() {
      sent = true;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/** The body as text, refused past `limit` bytes (WS_MAX_MESSAGE_BYTES, a WebSocket message's limit): graphql-sse answers 400 with the reason. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Error(`The request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

