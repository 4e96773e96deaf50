import type { RawSocket } from '../../helpers/raw-ws';
import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import { HOSTILE_NET, loopback, tcpOf } from '../net';
import { nextInstance, openSocket, type Hostile } from './common';

/**
 * Slow readers that never drain: a socket subscribes five replays of the whole feed and five
 * live feeds, then stops reading its TCP socket for good (and so never answers a ping either).
 * A new one every 3 s. The server must neither buffer without bound nor keep them for ever.
 */
export const slowReader: Hostile = {
  name: 'slow-reader',
  what: 'sockets with 5 replays + 5 live feeds whose TCP socket is paused for good (never drained, no pong)',
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const address = loopback(HOSTILE_NET, 60);
    const paused: RawSocket[] = [];
    let turn = 0;
    while (life.active) {
      turn += 1;
      const instance = await nextInstance(ctx, turn, life);
      if (!instance) break;
      const socket = await openSocket(report, ctx.clock, instance, address);
      if (socket) {
        for (let i = 0; i < 10; i++) socket.subscribe(`slow-${i}`, FEED_SUBSCRIPTION, i < 5 ? { after: ctx.oldCursor } : {});
        tcpOf(socket.socket)?.pause();
        paused.push(socket);
        report.actions += 1;
        report.outcomes.add('paused');
      }
      await life.sleep(3_000);
    }
    // What the server did with them shows in its socket count (the "released" invariant), not here: a paused socket reads nothing.
    for (const socket of paused) socket.socket.terminate();
  },
};
