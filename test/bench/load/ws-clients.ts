/**
 * A lean graphql-transport-ws (and graphql-sse) client harness for many sockets in one process, driven by the
 * runner over IPC (child_process.fork). Each socket subscribes once; every `next` message is
 * scanned (no JSON.parse) for its cursor (→ feed seq), committedAt (→ commit-to-delivery latency,
 * against this machine's clock, ms resolution) and policy countryCode (→ a message the socket's
 * filter should not have matched). Per socket it keeps counts, not message lists, so 10,000
 * sockets × thousands of messages fit: since the feed is delivered in seq order without gaps or
 * duplicates, "count of in-window messages == expected, none out of order, none unexpected"
 * proves exactly-once delivery of the expected set. A socket may be a GraphQL-over-SSE stream
 * instead (`transport: 'sse'`, graphql-sse's distinct-connections mode: one POST to
 * /graphql/stream per subscriber, its `next` events read the same way); the report counts
 * deliveries per transport, so SSE delivery is told beside WebSocket delivery.
 */
import http from 'node:http';
import WebSocket from 'ws';

export type ClientTransport = 'ws' | 'sse';

export interface SocketSpec {
  /** ws://host:port/graphql, or for SSE the instance's http://host:port/graphql */
  url: string;
  /** FeedFilter.countryCodes, or null for everything */
  countries: string[] | null;
  /** 'ws' when absent */
  transport?: ClientTransport;
}

/** Delivery to the subscribers of one transport. */
export interface TransportReport {
  sockets: number;
  expected: number;
  delivered: number;
  histogram: Record<number, number>;
}

export type Command =
  | { type: 'connect'; sockets: SocketSpec[]; query: string; concurrency: number }
  | { type: 'window'; fromSeq: number }
  | { type: 'expect'; entries: Array<[number, string[]]> }
  | { type: 'progress' }
  | { type: 'report' }
  | { type: 'close' };

export interface Report {
  sockets: number;
  open: number;
  expected: number;
  delivered: number;
  outOfOrder: number;
  unexpected: number;
  errors: number;
  /** latency histogram: index = ms, value = count; the last bin collects everything beyond */
  histogram: Record<number, number>;
  /** per change (seq), its slowest delivery in ms */
  slowestBySeq: Array<[number, number]>;
  byTransport: Record<ClientTransport, TransportReport>;
}

interface Sock {
  ws: { terminate(): void };
  transport: ClientTransport;
  countries: Set<string> | null;
  open: boolean;
  count: number;
  lastSeq: number;
  outOfOrder: number;
  unexpected: number;
  expected: number;
}

/** A subscriber's delivery state before its first message, on either transport. */
function newSock(spec: SocketSpec, transport: ClientTransport, ws: Sock['ws']): Sock {
  return { ws, transport, countries: spec.countries ? new Set(spec.countries) : null, open: false, count: 0, lastSeq: 0, outOfOrder: 0, unexpected: 0, expected: 0 };
}

/** The subscription's variables: the spec's countries as its filter, or everything. */
function variablesOf(spec: SocketSpec): { filter: { countryCodes: string[] } | null } {
  return { filter: spec.countries ? { countryCodes: spec.countries } : null };
}

const MAX_MS = 120_000;
let histogram = new Int32Array(MAX_MS + 1);
let histograms: Record<ClientTransport, Int32Array> = { ws: new Int32Array(MAX_MS + 1), sse: new Int32Array(MAX_MS + 1) };
/** The slowest delivery of each change (seq → ms): shows whether a tail is one change or all of them. */
let slowestBySeq = new Map<number, number>();
let fromSeq = Number.MAX_SAFE_INTEGER;
let errors = 0;
const socks: Sock[] = [];

function between(text: string, start: string, end: string, from = 0): string | null {
  const i = text.indexOf(start, from);
  if (i < 0) return null;
  const j = text.indexOf(end, i + start.length);
  return j < 0 ? null : text.slice(i + start.length, j);
}

function onMessage(sock: Sock, text: string): void {
  if (!text.includes('"type":"next"')) {
    if (text.includes('"type":"error"') || text.includes('"errors"')) errors += 1;
    return;
  }
  onNext(sock, text);
}

/** One `next` payload (a graphql-ws message, or the data of a graphql-sse `next` event). */
function onNext(sock: Sock, text: string): void {
  if (text.includes('"errors"')) errors += 1;
  const cursor = between(text, '"cursor":"', '"');
  if (!cursor) return;
  const body = cursor.split('.')[0]!;
  const seq = Number(/"(\d+)"\]$/.exec(Buffer.from(body, 'base64url').toString())?.[1] ?? -1);
  if (seq <= fromSeq) return;
  if (seq <= sock.lastSeq) sock.outOfOrder += 1;
  sock.lastSeq = seq;
  sock.count += 1;
  const committed = between(text, '"committedAt":"', '"');
  if (committed) {
    const ms = Math.max(0, Date.now() - Date.parse(committed));
    histogram[Math.min(MAX_MS, Math.round(ms))]! += 1;
    histograms[sock.transport][Math.min(MAX_MS, Math.round(ms))]! += 1;
    if (ms > (slowestBySeq.get(seq) ?? -1)) slowestBySeq.set(seq, ms);
  }
  if (sock.countries) {
    const code = between(text, '"countryCode":"', '"');
    if (code && !sock.countries.has(code)) sock.unexpected += 1;
  }
}

function connectOne(spec: SocketSpec, query: string): Promise<boolean> {
  if (spec.transport === 'sse') return connectSse(spec, query);
  return new Promise((resolve) => {
    const ws = new WebSocket(spec.url, 'graphql-transport-ws', { perMessageDeflate: false });
    const sock = newSock(spec, 'ws', ws);
    let settled = false;
    const settle = (ok: boolean) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const timer = setTimeout(() => {
      settle(false);
      ws.terminate();
    }, 30_000);
    ws.on('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (!sock.open) {
        if (text.includes('connection_ack')) {
          sock.open = true;
          socks.push(sock);
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: variablesOf(spec) } }));
          clearTimeout(timer);
          settle(true);
        }
        return;
      }
      onMessage(sock, text);
    });
    ws.on('error', () => {
      clearTimeout(timer);
      settle(false);
    });
    ws.on('close', () => {
      sock.open = false;
      clearTimeout(timer);
      settle(false);
    });
  });
}

/** A graphql-sse subscriber (distinct connections): one POST to /graphql/stream, read as an event stream. */
function connectSse(spec: SocketSpec, query: string): Promise<boolean> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ query, variables: variablesOf(spec) });
    const request = http.request(`${spec.url}/stream`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      agent: false,
    });
    const sock = newSock(spec, 'sse', { terminate: () => request.destroy() });
    let settled = false;
    const settle = (ok: boolean) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(ok);
      }
    };
    const timer = setTimeout(() => {
      settle(false);
      request.destroy();
    }, 30_000);
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        settle(false);
        return;
      }
      sock.open = true;
      socks.push(sock);
      settle(true);
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('event: next')) continue;
          const data = block.slice(block.indexOf('\ndata: ') + 7);
          onNext(sock, data);
        }
      });
      response.on('close', () => (sock.open = false));
    });
    request.on('error', () => {
      sock.open = false;
      settle(false);
    });
    request.end(body);
  });
}

async function connectAll(sockets: SocketSpec[], query: string, concurrency: number): Promise<{ ok: number; failed: number; ms: number }> {
  const started = Date.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sockets.length) {
        const spec = sockets[next++]!;
        if (await connectOne(spec, query)) ok += 1;
        else failed += 1;
      }
    }),
  );
  return { ok, failed, ms: Date.now() - started };
}

function sparse(bins: Int32Array): Record<number, number> {
  const result: Record<number, number> = {};
  bins.forEach((count, ms) => {
    if (count) result[ms] = count;
  });
  return result;
}

function transportReport(transport: ClientTransport): TransportReport {
  const mine = socks.filter((s) => s.transport === transport);
  return {
    sockets: mine.length,
    expected: mine.reduce((sum, s) => sum + s.expected, 0),
    delivered: mine.reduce((sum, s) => sum + Math.min(s.count, s.expected), 0),
    histogram: sparse(histograms[transport]),
  };
}

function report(): Report {
  return {
    sockets: socks.length,
    open: socks.filter((s) => s.open).length,
    expected: socks.reduce((sum, s) => sum + s.expected, 0),
    delivered: socks.reduce((sum, s) => sum + Math.min(s.count, s.expected), 0),
    outOfOrder: socks.reduce((sum, s) => sum + s.outOfOrder, 0),
    unexpected: socks.reduce((sum, s) => sum + s.unexpected + Math.max(0, s.count - s.expected), 0),
    errors,
    histogram: sparse(histogram),
    slowestBySeq: [...slowestBySeq],
    byTransport: { ws: transportReport('ws'), sse: transportReport('sse') },
  };
}

process.on('message', (command: Command) => {
  const reply = (message: unknown) => process.send!(message);
  switch (command.type) {
    case 'connect':
      void connectAll(command.sockets, command.query, command.concurrency).then((result) => reply({ type: 'connected', ...result }));
      break;
    case 'window':
      fromSeq = command.fromSeq;
      histogram = new Int32Array(MAX_MS + 1);
      histograms = { ws: new Int32Array(MAX_MS + 1), sse: new Int32Array(MAX_MS + 1) };
      slowestBySeq = new Map();
      errors = 0;
      for (const sock of socks) Object.assign(sock, { count: 0, lastSeq: 0, outOfOrder: 0, unexpected: 0, expected: 0 });
      reply({ type: 'window' });
      break;
    case 'expect':
      for (const sock of socks) {
        sock.expected = sock.countries ? command.entries.filter(([, codes]) => codes.some((code) => sock.countries!.has(code))).length : command.entries.length;
      }
      reply({ type: 'expect' });
      break;
    case 'progress':
      reply({ type: 'progress', expected: socks.reduce((sum, s) => sum + s.expected, 0), received: socks.reduce((sum, s) => sum + Math.min(s.count, s.expected), 0) });
      break;
    case 'report':
      reply({ type: 'report', report: report() });
      break;
    case 'close':
      for (const sock of socks) sock.ws.terminate();
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
