import type WebSocket from 'ws';
import { wsClient } from '../../helpers/ws-client';
import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import type { Lifetime } from '../clock';
import { DOCUMENTED_CLOSE_CODES, DOCUMENTED_CODES } from '../documented';
import { HONEST_NET, boundWebSocket, loopback, tcpOf } from '../net';
import { Examples, Tally, type Received } from '../records';
import type { SubscriberFilter } from '../truth';
import { ARCHIVE_SUBSCRIPTION, POLICY_CHANGED, seqOfCursor } from './queries';
import type { HonestContext } from './readers';

export interface SubscriberSpec {
  name: string;
  subscription: SubscriberFilter;
  /** Starts ARCHIVE_DEPTH items back (a long replay) instead of from the newest cursor. */
  fromHistory?: boolean;
  /** Asks for whole items and stops reading its TCP socket for PAUSE_MS out of every PAUSE_EVERY_MS: a phone on a bad network. */
  slow?: boolean;
}

/**
 * How far back the archivist starts: a replay as long as the whole feed was before every passport's
 * history was seeded (about 100,000 items now, which no phone replays in a minute while reading 2 s in 10).
 */
export const ARCHIVE_DEPTH = 2_000;

/** Different filters on both subscriptions, one replaying a long history while reading slowly. */
export const SUBSCRIBERS: readonly SubscriberSpec[] = [
  { name: 'baltic-neighbours', subscription: { field: 'feed', filter: { countryCodes: ['EE', 'LV', 'LT', 'FI', 'PL'] } } },
  { name: 'said-and-happened', subscription: { field: 'feed', filter: { kinds: ['STATEMENT', 'EVENT', 'RETRACTION'] } } },
  { name: 'ru-southern-routes', subscription: { field: 'feed', filter: { nationality: 'RU', countryCodes: ['KZ', 'GE', 'MN', 'AM', 'TR'] } } },
  { name: 'everything', subscription: { field: 'feed', filter: {} } },
  { name: 'entry-closures', subscription: { field: 'policyChanged', filter: { categories: ['ENTRY', 'VISA'], statuses: ['CLOSED', 'RESTRICTED'], nationality: 'RU' } } },
  { name: 'archivist-slow', subscription: { field: 'feed', filter: {} }, fromHistory: true, slow: true },
];

/** Under WS_KEEPALIVE_MS (12 s): the server's pings are still answered, late. */
const PAUSE_MS = 8_000;
const PAUSE_EVERY_MS = 10_000;

export interface SubscriberState {
  spec: SubscriberSpec;
  /** The cursor of its first subscription: it is owed every matching entry after it. */
  startSeq: bigint;
  received: Received[];
  connections: number;
  /** Why each connection or subscription ended. */
  ends: Tally;
  undocumented: Examples;
  lastCursor: string;
}

export function subscriberState(spec: SubscriberSpec, startCursor: string): SubscriberState {
  return { spec, startSeq: seqOfCursor(startCursor), received: [], connections: 0, ends: new Tally(), undocumented: new Examples(), lastCursor: startCursor };
}

/**
 * A graphql-ws client that resubscribes, with its last cursor, whenever its subscription ends:
 * the instance was killed or restarted (1006), a refusal at the upgrade (per-address caps), an
 * error, or FEED_LAGGING (then from extensions.resumeAfter, as the README says).
 */
export async function runSubscriber(ctx: HonestContext, index: number, state: SubscriberState, life: Lifetime): Promise<void> {
  const { spec } = state;
  const address = loopback(HONEST_NET, 40 + index);
  const field = spec.subscription.field;
  const query = field === 'policyChanged' ? POLICY_CHANGED : spec.slow ? ARCHIVE_SUBSCRIPTION : FEED_SUBSCRIPTION;
  let after = state.lastCursor;
  let turn = index;
  while (life.active) {
    turn += 1;
    const instance = ctx.deployment.pick(turn);
    if (!instance) {
      await life.sleep(200);
      continue;
    }
    state.connections += 1;
    const connection = state.connections;
    let socket: WebSocket | undefined;
    const client = wsClient(instance.wsUrl, { webSocketImpl: boundWebSocket(address, (s) => (socket = s)) });
    const offStop = life.onStop(() => void client.dispose());
    const pauser = spec.slow ? slowReading(() => socket) : undefined;
    let end = 'complete';
    try {
      for await (const result of client.iterate({ query, variables: { filter: spec.subscription.filter, after } })) {
        if (result.errors?.length) throw result.errors;
        const item = (result.data as Record<string, any>)[field];
        const seq = seqOfCursor(item.cursor);
        const id = field === 'feed' ? idOfNode(item.node) : item.policy.id;
        state.received.push({ seq, kind: field === 'feed' ? item.kind : 'POLICY_CHANGE', id, connection });
        after = item.cursor;
        state.lastCursor = after;
      }
    } catch (error) {
      end = describeEnd(error);
      const lagging = Array.isArray(error) ? error.find((e) => e?.extensions?.code === 'FEED_LAGGING') : undefined;
      if (lagging?.extensions?.resumeAfter) after = lagging.extensions.resumeAfter;
      if (!documentedEnd(error)) state.undocumented.add(`${instance.slot} ${ctx.clock.at()}: ${end}`);
    } finally {
      if (pauser) clearInterval(pauser);
      offStop();
      await client.dispose();
    }
    if (!life.active) break;
    state.ends.add(end);
    // A client backs off a little before resubscribing; longer after a refusal.
    await life.sleep(end.startsWith('upgrade') ? 1_000 : 100 + (turn % 5) * 50);
  }
}

function slowReading(socket: () => WebSocket | undefined): NodeJS.Timeout {
  return setInterval(() => {
    const tcp = socket() ? tcpOf(socket()!) : undefined;
    if (!tcp || tcp.destroyed) return;
    tcp.pause();
    setTimeout(() => tcp.destroyed || tcp.resume(), PAUSE_MS).unref();
  }, PAUSE_EVERY_MS);
}

function idOfNode(node: Record<string, any> | null | undefined): string | null {
  if (!node) return null;
  if (node.__typename === 'PolicyChange') return node.policy?.id ?? null;
  if (node.__typename === 'Retraction') return node.target?.id ?? null;
  return node.id ?? null;
}

/** "FEED_LAGGING", "close 1006", "upgrade 429"... */
function describeEnd(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => e?.extensions?.code ?? 'no code').join('+');
  const event = error as { code?: unknown; reason?: unknown; message?: unknown; error?: { message?: string } };
  if (typeof event?.code === 'number') return `close ${event.code}`;
  const message = String(event?.error?.message ?? event?.message ?? error);
  const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
  if (status) return `upgrade ${status}`;
  return /ECONNREFUSED/.test(message) ? 'ECONNREFUSED' : /ECONNRESET|socket hang up/.test(message) ? 'ECONNRESET' : `error ${message.slice(0, 80)}`;
}

function documentedEnd(error: unknown): boolean {
  if (Array.isArray(error)) return error.every((e) => DOCUMENTED_CODES.has(e?.extensions?.code));
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'number') return DOCUMENTED_CLOSE_CODES.has(code);
  return true; // a connection refused or reset: an instance going away, judged by the instance-exit invariant
}
