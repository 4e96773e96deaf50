import type { RawSocket } from '../../helpers/raw-ws';
import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import type { InstanceProcess } from '../deployment';
import { HOSTILE_NET, loopback } from '../net';
import { nextInstance, openSocket, recordClose, recordErrorFrames, type Hostile } from './common';

/**
 * Issue 11 item 5: many sockets from one address, each acknowledged and subscribed, all held
 * open; a new one is tried every 300 ms for the whole hostile phase. What stops it is the
 * per-minute connection limit and (once there is one) the per-address cap.
 */
export const socketFlood: Hostile = {
  name: 'socket-flood',
  what: 'one address opening a socket every 300 ms (each subscribed), holding them all',
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const address = loopback(HOSTILE_NET, 50);
    const held: Array<{ socket: RawSocket; instance: InstanceProcess }> = [];
    const peak = new Map<string, number>();
    let turn = 0;
    while (life.active) {
      turn += 1;
      const instance = await nextInstance(ctx, turn, life);
      if (!instance) break;
      const socket = await openSocket(report, ctx.clock, instance, address);
      report.actions += 1;
      if (socket) {
        socket.subscribe('live', FEED_SUBSCRIPTION);
        held.push({ socket, instance });
        report.outcomes.add('held');
      }
      const open = held.filter((h) => h.instance === instance && !h.socket.closed).length;
      peak.set(instance.slot, Math.max(peak.get(instance.slot) ?? 0, open));
      await life.sleep(300);
    }
    for (const { socket, instance } of held) {
      recordErrorFrames(report, socket, ctx.clock, instance, 'held socket');
      if (socket.closed && instance.exit === null) recordClose(report, socket.closed, ctx.clock, instance, 'held socket');
      socket.close();
    }
    report.notes.push(`most sockets open at once from ${address}: ${[...peak].map(([slot, n]) => `${slot} ${n}`).join(', ')}`);
  },
};
