import { request, type ClientRequest } from 'node:http';
import type { InstanceProcess } from '../deployment';
import { HOSTILE_NET, HttpClient, loopback } from '../net';
import { nextInstance, sendJunk, type Hostile, type JunkRequest } from './common';

/** Event-stream requests that must be refused before any stream opens (each answers and ends). */
const REFUSED: readonly JunkRequest[] = [
  { name: 'junk Last-Event-ID', method: 'GET', path: '/feed/stream', headers: { 'last-event-id': 'not-a-cursor' } },
  { name: 'forged Last-Event-ID', method: 'GET', path: '/feed/stream', headers: { 'last-event-id': `${Buffer.from('["feed","1"]').toString('base64url')}.AAAAAAAAAAAAAAAA` } },
  { name: '8 KB Last-Event-ID', method: 'GET', path: '/feed/stream', headers: { 'last-event-id': 'x'.repeat(8_000) } },
  { name: 'Last-Event-ID past int8', method: 'GET', path: '/feed/stream', headers: { 'last-event-id': `${Buffer.from('["feed","99999999999999999999"]').toString('base64url')}.AAAAAAAAAAAAAAAA` } },
  { name: 'feed stream, unknown parameter', method: 'GET', path: '/feed/stream?first=10' },
  { name: 'feed stream, unknown country', method: 'GET', path: '/feed/stream?country=ZZ' },
  { name: 'graphql stream, no query', method: 'GET', path: '/graphql/stream', headers: { accept: 'text/event-stream' } },
  { name: 'graphql stream, body not JSON', method: 'POST', path: '/graphql/stream', headers: { accept: 'text/event-stream', 'content-type': 'application/json' }, body: () => '{"query": ' },
  { name: 'graphql stream, 200 KB body', method: 'POST', path: '/graphql/stream', headers: { accept: 'text/event-stream', 'content-type': 'application/json' }, body: (rng) => JSON.stringify({ query: '{ __typename }', x: rng.text(200_000) }) },
  { name: 'graphql stream, mutation', method: 'POST', path: '/graphql/stream', headers: { 'content-type': 'application/json', 'x-graphql-event-stream-token': 'made-up' }, body: () => '{"query":"mutation { retract(id: \\"x\\", reason: \\"y\\") { id } }","extensions":{"operationId":"1"}}' },
  { name: 'graphql stream, unknown token', method: 'DELETE', path: '/graphql/stream?operationId=1', headers: { 'x-graphql-event-stream-token': 'made-up' } },
  { name: 'graphql stream reservation never connected', method: 'PUT', path: '/graphql/stream' },
];

/**
 * Server-Sent Events abuse (issue 14): one address holding /feed/stream and /graphql/stream
 * streams it never reads (each opened every 300 ms, so the per-minute connection limit and the
 * per-address cap, shared with WebSockets, are what stop it), and a second address sending junk
 * Last-Event-IDs, junk graphql-sse requests and reservations it never connects to. Refusals must
 * be documented statuses; held streams are released when the client lets go.
 */
export const sseAbuse: Hostile = {
  name: 'sse-abuse',
  what: 'one address holding unread /feed/stream and /graphql/stream streams (one more every 300 ms); junk Last-Event-IDs, junk graphql-sse requests, reservations never connected',
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const rng = ctx.rng.fork('sse-abuse');
    const holder = loopback(HOSTILE_NET, 60);
    const http = new HttpClient(loopback(HOSTILE_NET, 61));
    const held: Array<{ req: ClientRequest; instance: InstanceProcess }> = [];
    const peak = new Map<string, number>();
    let turn = 0;
    try {
      while (life.active) {
        turn += 1;
        const instance = await nextInstance(ctx, turn, life);
        if (!instance) return;
        if (turn % 2 === 0) {
          const base = instance.url.replace(/\/graphql$/, '');
          report.actions += 1;
          const path = turn % 4 === 0 ? '/feed/stream?country=FI' : `/graphql/stream?query=${encodeURIComponent('subscription { feed { cursor } }')}`;
          const status = await holdStream(`${base}${path}`, holder, held, instance);
          report.outcomes.add(status === 200 ? 'held' : `http ${status}`);
          if (typeof status === 'number' && status !== 200 && status !== 429 && status !== 503) report.undocumented.add(`${ctx.clock.at()} ${instance.slot} held stream ${path}: status ${status}`);
        } else {
          await sendJunk(http, REFUSED[Math.floor(turn / 2) % REFUSED.length]!, rng, report, ctx.clock, instance);
        }
        const open = held.filter((h) => h.instance === instance && !h.req.destroyed).length;
        peak.set(instance.slot, Math.max(peak.get(instance.slot) ?? 0, open));
        await life.sleep(300);
      }
    } finally {
      for (const { req } of held) req.destroy();
      http.close();
      report.notes.push(`most unread streams held at once from ${holder}: ${[...peak].map(([slot, n]) => `${slot} ${n}`).join(', ')}`);
    }
  },
};

/** Opens an event stream from `localAddress` and never reads it; its status, or the connection's error. */
function holdStream(url: string, localAddress: string, held: Array<{ req: ClientRequest; instance: InstanceProcess }>, instance: InstanceProcess): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { accept: 'text/event-stream' }, localAddress, timeout: 15_000 }, (res) => {
      res.on('error', () => undefined);
      if (res.statusCode === 200) {
        req.setTimeout(0);
        // Never read: the server's writes stay in the socket buffers until its lag limit applies.
        res.pause();
        held.push({ req, instance });
      } else {
        res.resume();
      }
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
    req.end();
  });
}
