import type { Socket } from 'node:net';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * A client's protocol faults are answered with their close code and leave no stack trace in the
 * log: graphql-ws would write each one with console.error as an internal error of ours, so any
 * client could fill the log (the attack suite's protocol-abuse client did).
 */
let server: TestServer;
let consoleError: jest.SpyInstance;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
});
beforeEach(() => {
  consoleError = jest.spyOn(console, 'error');
});
afterEach(() => {
  consoleError.mockRestore();
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => server.stop());

async function ready(): Promise<RawSocket> {
  const socket = await RawSocket.ready(server.app.wsUrl);
  sockets.push(socket);
  return socket;
}

/** One masked text frame written straight to the TCP socket (a zero mask leaves the payload as is). */
function rawTextFrame(socket: RawSocket, payload: Buffer): void {
  const tcp = (socket.socket as unknown as { _socket: Socket })._socket;
  tcp.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
}

describe('a client breaking the protocol', () => {
  it('sending a server-only message type is closed with 4400, and nothing is logged as an internal error', async () => {
    const socket = await ready();
    socket.send({ type: 'next', id: 'x', payload: { data: null } });
    expect((await socket.waitForClose()).code).toBe(4400);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('sending a frame over WS_MAX_MESSAGE_BYTES is closed with 1009, and nothing is logged as an internal error', async () => {
    const socket = await ready();
    socket.send('x'.repeat(70 * 1024));
    expect((await socket.waitForClose()).code).toBe(1009);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('sending text that is not UTF-8 is closed with 1007, and nothing is logged as an internal error', async () => {
    const socket = await ready();
    rawTextFrame(socket, Buffer.from([0xff, 0xfe, 0xfd]));
    expect((await socket.waitForClose()).code).toBe(1007);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('leaves the other sockets working', async () => {
    const bad = await ready();
    const good = await ready();
    bad.send({ type: 'connection_ack' });
    expect((await bad.waitForClose()).code).toBe(4400);
    good.subscribe('1', 'subscription { feed(first: 1) { cursor } }');
    good.subscribe('2', 'subscription { feed { cursor } }');
    const answer = await good.answer('1');
    expect(answer.type).toBe('error');
    expect(good.closed).toBeNull();
  });
});

describe('a client that goes away while it is being answered', () => {
  it('leaves nothing in the log as an internal error (EPIPE, ECONNRESET)', async () => {
    for (let i = 0; i < 40; i++) {
      const socket = await ready();
      for (let n = 0; n < 20; n++) socket.subscribe(`${i}-${n}`, 'subscription { feed(first: 1) { cursor } }');
      (socket.socket as unknown as { _socket: Socket & { resetAndDestroy(): void } })._socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(consoleError).not.toHaveBeenCalled();
  });
});
