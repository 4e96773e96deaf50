import http, { type IncomingMessage } from 'node:http';

/** One Server-Sent Event as the EventSource processing model reads it (comments kept apart). */
export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/**
 * A raw event-stream reader over node:http, keeping every event and comment it gets, so a test
 * can wait for "n events" without missing any, see the status and headers of a refusal, or stop
 * reading (pause) to play a slow reader.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  /** The body of a response that is not an event stream (a refusal). */
  body = '';
  ended = false;
  response: IncomingMessage | null = null;
  private buffer = '';
  private readonly waiters = new Set<() => void>();
  private readonly request: http.ClientRequest;
  readonly opened: Promise<void>;

  constructor(url: string, options: { headers?: Record<string, string>; method?: string; body?: string } = {}) {
    this.request = http.request(url, { method: options.method ?? 'GET', headers: { accept: 'text/event-stream', ...options.headers } });
    this.opened = new Promise((resolve, reject) => {
      this.request.once('error', (error) => {
        this.ended = true;
        this.wake();
        reject(error);
      });
      this.request.once('response', (response) => {
        this.response = response;
        this.status = response.statusCode ?? 0;
        this.headers = response.headers;
        response.setEncoding('utf8');
        const streaming = String(response.headers['content-type']).startsWith('text/event-stream');
        response.on('data', (chunk: string) => {
          if (streaming) this.feed(chunk);
          else this.body += chunk;
          this.wake();
        });
        const end = () => {
          this.ended = true;
          this.wake();
        };
        response.once('end', end);
        response.once('close', end);
        resolve();
      });
    });
    this.opened.catch(() => undefined);
    this.request.end(options.body);
  }

  /** Stops reading: the server's writes pile up in the socket buffers, then in its own. */
  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  close(): void {
    this.request.destroy();
  }

  get json(): any {
    return JSON.parse(this.body);
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs` with what was received. */
  async waitFor(predicate: (stream: this) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(this)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; status ${this.status}, ${this.events.length} events, ended=${this.ended}, body=${this.body.slice(0, 200)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  waitForEvents(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((s) => s.events.length >= count, timeoutMs, `${count} events`);
  }

  waitForEnd(timeoutMs?: number): Promise<void> {
    return this.waitFor((s) => s.ended, timeoutMs, 'the end of the stream');
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The event-stream format: blocks separated by a blank line; `field: value` lines; `:` starts a comment. */
  private feed(chunk: string): void {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', id: null, data: '' };
      const data: string[] = [];
      let dispatch = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') data.push(value);
        else continue;
        dispatch = true;
      }
      if (!dispatch) continue;
      event.data = data.join('\n');
      this.events.push(event);
    }
  }
}
