import type { RawSocket } from '../../helpers/raw-ws';
import { FEED_SUBSCRIPTION } from '../../helpers/writes';
import { HOSTILE_NET, loopback, tcpOf } from '../net';
import type { Rng } from '../rng';
import { closedWithin, nextInstance, openSocket, recordClose, recordErrorFrames, type Hostile } from './common';

interface Abuse {
  name: string;
  /** The close code the README documents for it (null: the socket stays open). */
  expected: number | null;
  init: boolean;
  protocol?: string;
  act(socket: RawSocket, rng: Rng): void;
}

/** A frame written straight to the TCP socket: `first` is FIN/RSV/opcode, then the length byte(s) with `masked`, a zero mask, the payload. */
function rawFrame(socket: RawSocket, first: number, payload: Buffer, { masked = true, length }: { masked?: boolean; length?: Buffer } = {}): void {
  const size = length ?? Buffer.from([payload.length]);
  size[0] = size[0]! | (masked ? 0x80 : 0);
  tcpOf(socket.socket)?.write(Buffer.concat([Buffer.from([first]), size, masked ? Buffer.alloc(4) : Buffer.alloc(0), payload]));
}

const ABUSES: readonly Abuse[] = [
  {
    name: 'duplicate subscription id',
    expected: 4409,
    init: true,
    act: (s) => {
      s.subscribe('dup', FEED_SUBSCRIPTION);
      s.subscribe('dup', FEED_SUBSCRIPTION);
    },
  },
  { name: 'not JSON', expected: 4400, init: true, act: (s, rng) => s.send(`{"type":"subscribe",${rng.text(40)}`) },
  { name: 'unknown type', expected: 4400, init: true, act: (s) => s.send({ type: 'gimme' }) },
  { name: 'server-only type', expected: 4400, init: true, act: (s) => s.send({ type: 'next', id: 'x', payload: { data: { feed: null } } }) },
  { name: 'subscribe without payload', expected: 4400, init: true, act: (s) => s.send({ type: 'subscribe', id: 'p' }) },
  { name: 'subscribe with a number for id', expected: 4400, init: true, act: (s) => s.send(JSON.stringify({ type: 'subscribe', id: 7, payload: { query: FEED_SUBSCRIPTION } })) },
  { name: 'subscribe before connection_init', expected: 4401, init: false, act: (s) => s.subscribe('early', FEED_SUBSCRIPTION) },
  { name: 'second connection_init', expected: 4429, init: true, act: (s) => s.send({ type: 'connection_init' }) },
  { name: 'oversized frame (70 KiB)', expected: 1009, init: true, act: (s, rng) => s.subscribe('big', `subscription { feed { cursor } } # ${rng.text(70 * 1024)}`) },
  { name: 'binary junk', expected: 4400, init: true, act: (s, rng) => s.socket.send(Buffer.from(rng.text(200), 'latin1').map((b) => b ^ 0xa5)) },
  { name: 'no subprotocol', expected: 4406, init: false, protocol: '', act: () => undefined },
  { name: 'text frame that is not UTF-8', expected: 1007, init: true, act: (s) => rawFrame(s, 0x81, Buffer.from([0xc3, 0x28, 0xff])) },
  { name: 'unmasked client frame', expected: 1002, init: true, act: (s) => rawFrame(s, 0x81, Buffer.from('{"type":"ping"}'), { masked: false }) },
  { name: 'reserved bits set', expected: 1002, init: true, act: (s) => rawFrame(s, 0xf1, Buffer.from('{"type":"ping"}')) },
  { name: 'ping over 125 bytes', expected: 1002, init: true, act: (s) => rawFrame(s, 0x89, Buffer.alloc(126), { length: Buffer.from([126, 0, 126]) }) },
  { name: 'frame declaring 2^62 bytes', expected: 1009, init: true, act: (s) => rawFrame(s, 0x82, Buffer.alloc(0), { length: Buffer.from([127, 0x40, 0, 0, 0, 0, 0, 0, 0]) }) },
  {
    name: 'complete for unknown ids, then a valid subscribe',
    expected: null,
    init: true,
    act: (s) => {
      for (let i = 0; i < 20; i++) s.send({ type: 'complete', id: `ghost-${i}` });
      s.subscribe('real', FEED_SUBSCRIPTION);
    },
  },
];

/**
 * Duplicate ids, malformed frames, oversized frames, protocol order: each abuse on a fresh
 * socket, from two addresses. Every one must end in the close code the README gives it, never
 * 4500 (internal error) or a dropped connection.
 */
export const protocolAbuse: Hostile = {
  name: 'protocol-abuse',
  what: 'duplicate ids, malformed / binary / oversized frames, subscribe before init, second init, no subprotocol; raw frames: not UTF-8, unmasked, reserved bits, ping over 125 bytes, 2^62-byte length',
  modes: ['embedded', 'cluster'],
  async run(ctx, report, life) {
    const rng = ctx.rng.fork('protocol-abuse');
    let turn = 0;
    await Promise.all(
      [0, 1].map(async (lane) => {
        const address = loopback(HOSTILE_NET, 20 + lane);
        while (life.active) {
          turn += 1;
          const abuse = ABUSES[turn % ABUSES.length]!;
          const instance = await nextInstance(ctx, turn, life);
          if (!instance) return;
          const socket = await openSocket(report, ctx.clock, instance, address, { init: abuse.init, ...(abuse.protocol !== undefined ? { protocol: abuse.protocol } : {}) });
          if (socket) {
            report.actions += 1;
            if (!socket.closed) abuse.act(socket, rng);
            const closed = await closedWithin(socket, abuse.expected === null ? 500 : 3_000);
            recordClose(report, closed, ctx.clock, instance, abuse.name);
            recordErrorFrames(report, socket, ctx.clock, instance, abuse.name);
            if ((closed?.code ?? null) !== abuse.expected && instance.exit === null && report.notes.length < 10) {
              report.notes.push(`${abuse.name}: expected ${abuse.expected ?? 'open'}, got ${closed ? `close ${closed.code}` : 'open'}`);
            }
            socket.close();
          }
          await life.sleep(1_100);
        }
      }),
    );
  },
};
