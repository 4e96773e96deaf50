import { randomBytes, randomUUID } from 'node:crypto';
import { CursorCodec } from '../../../src/common/cursor';
import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import { HOSTILE_NET, HttpClient, loopback } from '../net';
import { closedWithin, nextInstance, openSocket, recordClose, recordErrorFrames, recordGraphQL, type Hostile } from './common';

/** The secret every deployment used before issue 11: public, in the repository's history. */
const PUBLIC_DEFAULT_SECRET = 'borderwatch-cursor-v1';

const LISTS = {
  feed: 'query ($after: String) { feed(first: 3, after: $after) { edges { cursor } } }',
  statements: 'query ($after: String) { statements(first: 3, after: $after) { edges { cursor } } }',
  events: 'query ($after: String) { events(first: 3, after: $after) { edges { cursor } } }',
  policies: 'query ($after: String) { policies(first: 3, after: $after) { edges { cursor } } }',
  countries: 'query ($after: String) { countries(first: 3, after: $after) { edges { cursor } } }',
} as const;
type List = keyof typeof LISTS;

interface Forgery {
  list: List;
  name: string;
  cursor: string;
}

function decode(cursor: string): unknown[] {
  return JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('utf8')) as unknown[];
}

/** Every kind of bad cursor, built from real ones the way an attacker reading them would. */
function forgeries(real: Record<List, string>): Forgery[] {
  const publicCodec = new CursorCodec(PUBLIC_DEFAULT_SECRET);
  const foreignCodec = new CursorCodec(randomBytes(16).toString('hex'));
  const out: Forgery[] = [];
  for (const list of Object.keys(LISTS) as List[]) {
    const cursor = real[list];
    const [kind, ...position] = decode(cursor) as [string, ...Array<string | number>];
    const [body, signature] = cursor.split('.') as [string, string];
    out.push({ list, name: 'edited signature', cursor: `${body}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}` });
    out.push({ list, name: 'edited body', cursor: `${Buffer.from(JSON.stringify([kind, ...position.slice(0, -1), 'x'])).toString('base64url')}.${signature}` });
    out.push({ list, name: "another deployment's secret", cursor: foreignCodec.encode(kind, position) });
    out.push({ list, name: 'another list', cursor: publicCodec.encode(list === 'feed' ? 'statements' : 'feed', position) });
    const last = position.length - 1;
    const swap = (index: number, value: string | number) => publicCodec.encode(kind, position.map((v, i) => (i === index ? value : v)));
    if (list === 'feed') {
      out.push({ list, name: 'public secret, sequence past int8', cursor: swap(0, '99999999999999999999') });
      out.push({ list, name: 'public secret, sequence ahead of the feed', cursor: swap(0, '900000000') });
      out.push({ list, name: 'public secret, negative sequence', cursor: swap(0, '-1') });
    } else {
      out.push({ list, name: 'public secret, id not a UUID', cursor: swap(last, "1' OR '1'='1") });
      out.push({ list, name: 'public secret, a random UUID', cursor: swap(last, randomUUID()) });
      if (last > 0) out.push({ list, name: 'public secret, not a date', cursor: swap(0, 'yesterday') });
      out.push({ list, name: 'public secret, a number for a string', cursor: swap(0, 1e308) });
    }
  }
  for (const garbage of ['.', 'a.b.c', 'not-a-cursor', 'x'.repeat(10_000)]) out.push({ list: 'feed', name: `garbage (${garbage.length} chars)`, cursor: garbage });
  return out;
}

/**
 * Issue 11 item 11: cursors that are edited, signed with the old public secret (non-UUID ids,
 * sequences past int8, dates that are not dates), signed by another deployment, or garbage; on
 * every list over HTTP, and as the feed subscription's `after`. Every one must be BAD_USER_INPUT.
 */
export const forgedCursors: Hostile = {
  name: 'forged-cursors',
  what: "edited cursors, cursors signed with the old public secret (non-UUID id, int8 overflow, bad date), another deployment's, garbage; HTTP and WebSocket",
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const rng = ctx.rng.fork('forged-cursors');
    const http = new HttpClient(loopback(HOSTILE_NET, 70));
    try {
      const first = await nextInstance(ctx, 0, life);
      if (!first) return;
      const answer = await http.post(first.url, {
        query: '{ feed(first: 1) { edges { cursor } } statements(first: 1) { edges { cursor } } events(first: 1) { edges { cursor } } policies(first: 1) { edges { cursor } } countries(first: 1) { edges { cursor } } }',
      });
      const data = answer.ok ? answer.json?.data : undefined;
      if (!data) {
        report.notes.push(`could not read real cursors: ${answer.ok ? answer.text.slice(0, 200) : answer.error}`);
        return;
      }
      const real = Object.fromEntries((Object.keys(LISTS) as List[]).map((list) => [list, data[list].edges[0].cursor as string])) as Record<List, string>;
      const all = forgeries(real);
      let turn = 0;
      while (life.active) {
        turn += 1;
        const instance = await nextInstance(ctx, turn, life);
        if (!instance) return;
        if (turn % 10 === 0) {
          // The feed's forgeries as a subscription's `after`, on one socket.
          const socket = await openSocket(report, ctx.clock, instance, loopback(HOSTILE_NET, 71));
          if (socket) {
            all.filter((f) => f.list === 'feed').forEach((forgery, i) => socket.subscribe(`forged-${i}`, FEED_SUBSCRIPTION, { after: forgery.cursor }));
            report.actions += all.filter((f) => f.list === 'feed').length;
            const closed = await closedWithin(socket, 1_500);
            recordErrorFrames(report, socket, ctx.clock, instance, 'forged after on the feed subscription');
            if (closed) recordClose(report, closed, ctx.clock, instance, 'forged after on the feed subscription');
            socket.close();
          }
        } else {
          const forgery = rng.pick(all);
          report.actions += 1;
          const outcome = recordGraphQL(report, await http.post(instance.url, { query: LISTS[forgery.list], variables: { after: forgery.cursor } }), ctx.clock, instance, `${forgery.list}: ${forgery.name}`);
          const note = `accepted: ${forgery.list} cursor, ${forgery.name}`;
          if (outcome === 'ok' && !report.notes.includes(note)) report.notes.push(note);
        }
        await life.sleep(120);
      }
    } finally {
      http.close();
    }
  },
};
