import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import { POLICY_CHANGED } from '../honest/queries';
import { HOSTILE_NET, HttpClient, loopback } from '../net';
import { nextInstance, openSocket, recordErrorFrames, recordGraphQL, type Hostile } from './common';

const CODES = ['FI', 'EE', 'LV', 'LT', 'PL', 'KZ', 'GE', 'MN', 'AM', 'TR', 'RU', 'UA', 'DE', 'FR', 'US'];
const KINDS = ['POLICY_CHANGE', 'STATEMENT', 'EVENT', 'RETRACTION'];
const CATEGORIES = ['ASYLUM', 'DOCUMENTS', 'ENTRY', 'RESIDENCE', 'TRANSIT', 'VISA', 'WORK'];
const STATUSES = ['CLOSED', 'CONDITIONAL', 'FACILITATED', 'OPEN', 'RESTRICTED'];

/** As many entries as fit under `bytes` of JSON. */
function fill(values: readonly string[], bytes: number): string[] {
  const out: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const value = values[i % values.length]!;
    out.push(value);
    size += value.length + 3;
  }
  return out;
}

/**
 * Issue 11 item 5: filter lists bounded only by the message size. Over HTTP (bodies just under
 * 100 kB) and WebSocket (frames just under 64 KiB): feed and policyChanged filters with
 * thousands of entries, kept subscribed, so every live entry is matched against them.
 */
export const filterLists: Hostile = {
  name: 'maximal-filter-lists',
  what: 'countryCodes / kinds / categories / statuses lists of thousands of entries, HTTP and WebSocket (held)',
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    let turn = 0;
    const httpLane = async () => {
      const http = new HttpClient(loopback(HOSTILE_NET, 40));
      try {
        while (life.active) {
          turn += 1;
          const instance = await nextInstance(ctx, turn, life);
          if (!instance) return;
          const body =
            turn % 2 === 0
              ? { query: 'query ($f: FeedFilter) { feed(first: 5, filter: $f) { edges { cursor } } }', variables: { f: { countryCodes: fill(CODES, 60_000), kinds: fill(KINDS, 30_000) } } }
              : { query: 'query ($f: PolicyFilter) { policies(first: 5, filter: $f) { edges { cursor } } }', variables: { f: { categories: fill(CATEGORIES, 45_000), statuses: fill(STATUSES, 45_000) } } };
          report.actions += 1;
          recordGraphQL(report, await http.post(instance.url, body), ctx.clock, instance, 'maximal filter list');
          await life.sleep(150);
        }
      } finally {
        http.close();
      }
    };
    const wsLane = async () => {
      const address = loopback(HOSTILE_NET, 41);
      const held = [];
      while (life.active && held.length < 4) {
        turn += 1;
        const instance = await nextInstance(ctx, turn, life);
        if (!instance) return;
        const socket = await openSocket(report, ctx.clock, instance, address);
        if (!socket) {
          await life.sleep(1_000);
          continue;
        }
        held.push({ socket, instance });
        for (let i = 0; i < 20; i++) {
          const feed = i % 2 === 0;
          const filter = feed ? { countryCodes: fill(CODES, 45_000), kinds: fill(KINDS, 15_000) } : { categories: fill(CATEGORIES, 30_000), statuses: fill(STATUSES, 30_000) };
          socket.subscribe(`list-${i}`, feed ? FEED_SUBSCRIPTION : POLICY_CHANGED, { filter });
          report.actions += 1;
        }
        await life.sleep(1_000);
      }
      await life.ended();
      for (const { socket, instance } of held) {
        recordErrorFrames(report, socket, ctx.clock, instance, 'maximal filter subscription');
        report.outcomes.add('items delivered to held list subscriptions', socket.frames.filter((f) => f.type === 'next').length);
        socket.close();
      }
    };
    await Promise.all([httpLane(), wsLane()]);
  },
};
