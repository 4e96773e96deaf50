import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import { HOSTILE_NET, loopback } from '../net';
import { closedWithin, nextInstance, openSocket, recordClose, recordErrorFrames, type Hostile } from './common';

/** Subscribe/complete pairs per burst: past RATE_LIMIT_WS_MESSAGES_PER_MINUTE (600), as in the crash. */
const BURST = 400;

/**
 * Issue 11, "Crash": bursts of subscribe + complete for feed(after: <an old public cursor>), each
 * pair a replay from PostgreSQL; the complete goes out right behind its subscribe, before the
 * subscription has settled. One pair in four is left running (past WS_MAX_SUBSCRIPTIONS).
 * Two addresses, a fresh socket per burst.
 */
export const replayStorm: Hostile = {
  name: 'replay-storm',
  what: `bursts of ${BURST} subscribe+complete for feed(after: old cursor), complete before the subscribe settles`,
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    let turn = 0;
    await Promise.all(
      [0, 1].map(async (lane) => {
        const address = loopback(HOSTILE_NET, 10 + lane);
        while (life.active) {
          turn += 1;
          const instance = await nextInstance(ctx, turn, life);
          if (!instance) return;
          const socket = await openSocket(report, ctx.clock, instance, address);
          if (socket) {
            for (let i = 0; i < BURST && !socket.closed; i++) {
              const id = `storm-${turn}-${i}`;
              socket.subscribe(id, FEED_SUBSCRIPTION, { after: ctx.oldCursor });
              if (i % 4 !== 3) socket.send({ type: 'complete', id });
              report.actions += 1;
            }
            recordClose(report, await closedWithin(socket, 1_500), ctx.clock, instance, 'storm socket');
            recordErrorFrames(report, socket, ctx.clock, instance, 'storm socket');
            socket.close();
          }
          await life.sleep(1_100);
        }
      }),
    );
  },
};
