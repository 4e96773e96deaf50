import { HOSTILE_NET, HttpClient, loopback } from '../net';
import { nextInstance, sendJunk, type Hostile, type JunkRequest } from './common';

const JUNK: readonly JunkRequest[] = [
  { name: 'missing playground asset', method: 'GET', path: '/playground/missing' },
  { name: 'unknown path', method: 'GET', path: '/wp-login.php' },
  { name: 'path traversal', method: 'GET', path: '/playground/..%2f..%2fpackage.json' },
  { name: 'bad URI encoding', method: 'GET', path: '/playground/%E0%A4%A' },
  { name: 'not JSON', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: () => '{"query": ' },
  { name: 'JSON null', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: () => 'null' },
  { name: 'body over 100 kB', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: (rng) => JSON.stringify({ query: '{ __typename }', x: rng.text(150_000) }) },
  { name: 'UTF-16 JSON', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json; charset=utf-16' }, body: () => '{"query":"{ __typename }"}' },
  { name: 'GET without preflight header', method: 'GET', path: '/graphql?query=%7B__typename%7D' },
  { name: 'PUT', method: 'PUT', path: '/graphql', headers: { 'content-type': 'application/json' }, body: () => '{"query":"{ __typename }"}' },
  { name: 'batch', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: () => '[{"query":"{ __typename }"},{"query":"{ __typename }"}]' },
  { name: 'news feed, unknown country', method: 'GET', path: '/feed.atom?country=ZZ' },
  { name: 'news feed, huge first', method: 'GET', path: '/feed.json?first=99999999' },
  { name: 'news feed, unknown parameter', method: 'GET', path: '/feed.json?__proto__=1' },
  { name: 'metrics with junk', method: 'GET', path: '/metrics?x=%00' },
];

/** Requests around GraphQL that end in the web framework's own handlers: never a stack trace, never an undocumented status. */
export const httpJunk: Hostile = {
  name: 'http-junk',
  what: 'missing paths, traversal, bad encodings, non-JSON / oversized / UTF-16 bodies, PUT, batches, bad news-feed parameters',
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const rng = ctx.rng.fork('http-junk');
    const http = new HttpClient(loopback(HOSTILE_NET, 90));
    let turn = 0;
    try {
      while (life.active) {
        turn += 1;
        const instance = await nextInstance(ctx, turn, life);
        if (!instance) return;
        await sendJunk(http, JUNK[turn % JUNK.length]!, rng, report, ctx.clock, instance);
        await life.sleep(200);
      }
    } finally {
      http.close();
    }
  },
};
