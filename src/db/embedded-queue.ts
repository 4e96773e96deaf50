import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: Error): void;
}

/** Frontend messages of an extended-protocol batch before its Sync: Parse, Bind, Describe, Execute, Close, Flush. */
const BATCH_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((type) => type.charCodeAt(0)));

/**
 * The embedded socket server's queue of frontend messages, one PGlite session for every connection.
 *
 * pglite-socket 0.2.17 queues each message on its own and keeps a connection's messages together
 * only inside a transaction. An extended-protocol batch (Parse, Bind, Describe, Execute, Sync) is
 * not one: with two pooled connections, B's Parse replaces the unnamed statement between A's Parse
 * and A's Bind, and A gets "bind message supplies 1 parameters, but prepared statement "" requires
 * 4", or, when the shapes agree, B's rows (electric-sql/pglite#1046, #977; the attack suite's
 * honest readers met it on a quarter of a minute's reads). Here a connection keeps the session
 * from its first message until a message that ends its batch (Sync, a simple query, a startup)
 * leaves it outside a transaction. A message that fails is answered with the error and the queue
 * goes on (upstream's stops for good).
 */
export class BatchQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection whose batch or transaction holds the session, if any. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  /** Replaces the server's own queue; before start(), so every connection's handler gets this one. */
  static install(server: PGLiteSocketServer, db: PGlite): BatchQueue {
    const queue = new BatchQueue(db);
    (server as unknown as { queryQueue: BatchQueue }).queryQueue = queue;
    return queue;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  /** A connection went away: its waiting messages are dropped. */
  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** A connection went away holding the session: its transaction is rolled back and the others go on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    this.owner = null;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === this.owner);
        if (index < 0 || index >= this.queue.length) return;
        const [item] = this.queue.splice(index, 1) as [Queued];
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          item.reject(error as Error);
        }
        this.owner = BATCH_MESSAGES.has(item.message[0]!) || this.db.isInTransaction() ? item.handlerId : null;
      }
    } finally {
      this.processing = false;
    }
  }
}
