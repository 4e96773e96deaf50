import { Agent, request } from 'node:http';
import WebSocket, { type ClientOptions } from 'ws';

/**
 * Every client of the suite speaks from a loopback address of its own (127.0.0.0/8 all reaches
 * the instances on 127.0.0.1), as clients on the internet do: per-address limits (writes, new
 * sockets, sockets per address) then separate honest clients from hostile ones the way they would
 * in production, instead of every client sharing 127.0.0.1's budget.
 */
export const HONEST_NET = 1;
export const HOSTILE_NET = 2;

export function loopback(net: number, host: number): string {
  return `127.0.${net}.${host}`;
}

export type HttpAnswer =
  | { ok: true; status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any; ms: number }
  | { ok: false; error: string; ms: number };

/** HTTP from one source address, with a deadline: a request that never answers is a finding too. */
export class HttpClient {
  private readonly agent: Agent;

  constructor(
    readonly localAddress: string,
    private readonly timeoutMs = 15_000,
  ) {
    // A connection per request. With keep-alive, a request sent on a connection the server is closing for idleness
    // (its keep-alive timeout, later than due when its event loop is busy) ends in ECONNRESET: a race browsers answer by
    // retrying, which would hide a real reset here. Without it, every ECONNRESET is the server's.
    this.agent = new Agent({ keepAlive: false, maxSockets: 8, localAddress } as ConstructorParameters<typeof Agent>[0]);
  }

  post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return this.send('POST', url, { 'content-type': 'application/json', ...headers }, payload);
  }

  get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.send('GET', url, headers);
  }

  send(method: string, url: string, headers: Record<string, string>, payload?: string): Promise<HttpAnswer> {
    const started = performance.now();
    const ms = () => performance.now() - started;
    return new Promise((resolve) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve({ ok: false, error: errorName(error), ms: ms() }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ ok: true, status: res.statusCode ?? 0, headers: res.headers, text, json, ms: ms() });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error) => resolve({ ok: false, error: errorName(error), ms: ms() }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function errorName(error: Error & { code?: string }): string {
  return error.code ?? error.message;
}

/** A `ws` WebSocket class whose sockets leave from `localAddress` (for graphql-ws's webSocketImpl). */
export function boundWebSocket(localAddress: string, onOpen?: (socket: WebSocket) => void): typeof WebSocket {
  return class BoundWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[], options?: ClientOptions) {
      super(address, protocols, { ...options, localAddress });
      onOpen?.(this);
    }
  } as typeof WebSocket;
}

/** The TCP socket under a `ws` WebSocket: pausing it stops reading, as a client that never drains does. */
export function tcpOf(socket: WebSocket): import('node:net').Socket | undefined {
  return (socket as unknown as { _socket?: import('node:net').Socket })._socket;
}
