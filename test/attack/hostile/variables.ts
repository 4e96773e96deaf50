import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import { HOSTILE_NET, HttpClient, loopback } from '../net';
import { nextInstance, openSocket, recordClose, recordErrorFrames, recordGraphQL, type Hostile } from './common';

/** Under the 100 kB body limit, as in the issue (90 KB of padding per request). */
const HTTP_PAD = 90_000;
/** Under WS_MAX_MESSAGE_BYTES (64 KiB) with the rest of the frame. */
const WS_PAD = 60_000;

/**
 * Issue 11, "Memory": variables the operation never declares, 90 KB each and never the same,
 * on HTTP (on one document, and on documents that differ by a comment) and on WebSocket
 * subscriptions (each subscribed and completed); and an oversized declared variable.
 */
export const variables: Hostile = {
  name: 'undeclared-variables',
  what: `undeclared ${HTTP_PAD / 1000} KB variables on HTTP (same and varying documents), ${WS_PAD / 1000} KB on WebSocket, oversized declared ones`,
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const rng = ctx.rng.fork('variables');
    let turn = 0;
    const httpLane = async (lane: number) => {
      const http = new HttpClient(loopback(HOSTILE_NET, 30 + lane));
      try {
        while (life.active) {
          turn += 1;
          const instance = await nextInstance(ctx, turn, life);
          if (!instance) return;
          const roll = turn % 4;
          const body =
            roll === 0
              ? { query: 'query Count($first: Int) { countries(first: $first) { totalCount } }', variables: { first: 1, pad: rng.text(HTTP_PAD) } }
              : roll === 3
                ? { query: 'query One($code: ID!) { country(code: $code) { name } }', variables: { code: rng.text(HTTP_PAD) } }
                : { query: `{ __typename } # ${turn}`, variables: { pad: rng.text(HTTP_PAD) } };
          report.actions += 1;
          recordGraphQL(report, await http.post(instance.url, body), ctx.clock, instance, `variables ${roll}`);
        }
      } finally {
        http.close();
      }
    };
    const wsLane = async (lane: number) => {
      const address = loopback(HOSTILE_NET, 35 + lane);
      while (life.active) {
        turn += 1;
        const instance = await nextInstance(ctx, turn, life);
        if (!instance) return;
        const socket = await openSocket(report, ctx.clock, instance, address);
        if (socket) {
          // Under the per-socket message rate (600 a minute): 250 subscribe + complete pairs, then a new socket
          // (sockets per address and minute, 60, are the limit then).
          for (let i = 0; i < 250 && !socket.closed && life.active; i++) {
            const id = `pad-${i}`;
            socket.subscribe(id, FEED_SUBSCRIPTION, { after: null, pad: rng.text(WS_PAD) });
            socket.send({ type: 'complete', id });
            report.actions += 1;
            await life.sleep(15);
          }
          recordErrorFrames(report, socket, ctx.clock, instance, 'padded subscribe');
          if (socket.closed) recordClose(report, socket.closed, ctx.clock, instance, 'padded subscribe');
          socket.close();
        }
        await life.sleep(500);
      }
    };
    await Promise.all([httpLane(0), httpLane(1), wsLane(0), wsLane(1)]);
  },
};
