import WebSocket, { type ClientOptions } from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

export type Frame = { type: string; id?: string; payload?: any };

/**
 * A WebSocket speaking graphql-transport-ws frame by frame, for protocol
 * tests: it keeps every frame it receives, so a test waits for "a frame
 * like this" or "the close" without missing any.
 */
export class RawSocket {
  readonly frames: Frame[] = [];
  closed: Closed | null = null;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        frame = { type: '<not json>', payload: String(data) };
      }
      this.frames.push(frame);
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /**
   * Opens a socket; `protocol` defaults to graphql-transport-ws, '' asks for none.
   * Rejects with the HTTP status when the upgrade is refused.
   */
  static open(url: string, options: ClientOptions & { protocol?: string } = {}): Promise<RawSocket> {
    const { protocol = 'graphql-transport-ws', ...rest } = options;
    const socket = new WebSocket(url, protocol ? [protocol] : [], rest);
    return new Promise((resolve, reject) => {
      const raw = new RawSocket(socket);
      socket.once('open', () => resolve(raw));
      socket.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused with ${res.statusCode}`), { status: res.statusCode, headers: res.headers }));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Opens a socket, sends connection_init and waits for the ack. */
  static async ready(url: string, options: ClientOptions = {}): Promise<RawSocket> {
    const raw = await RawSocket.open(url, options);
    raw.send({ type: 'connection_init' });
    await raw.next((frame) => frame.type === 'connection_ack');
    return raw;
  }

  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ type: 'subscribe', id, payload: { query, ...(variables ? { variables } : {}) } });
  }

  /** The first received frame matching `match`, waiting for it if needed. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    await this.until(() => this.frames.some(match) || this.closed !== null, timeoutMs, 'a frame');
    const frame = this.frames.find(match);
    if (!frame) throw new Error(`socket closed (${JSON.stringify(this.closed)}) before the frame; got ${JSON.stringify(this.frames)}`);
    return frame;
  }

  /** The error or first next frame answering subscription `id`. */
  answer(id: string, timeoutMs?: number): Promise<Frame> {
    return this.next((frame) => frame.id === id && (frame.type === 'error' || frame.type === 'next'), timeoutMs);
  }

  async waitForClose(timeoutMs = 10_000): Promise<Closed> {
    await this.until(() => this.closed !== null, timeoutMs, 'the close');
    return this.closed!;
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }

  private until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${what}; frames ${JSON.stringify(this.frames).slice(0, 500)}, closed ${JSON.stringify(this.closed)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
