import { eventually } from '../helpers/ports';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * What an idle subscribed socket keeps is the benchmark's scenario 5 (test/bench/NOTES.md, "What the
 * profiles showed"); this checks its structure, not its bytes: no timer per socket. Keep-alive is one
 * sweep for every socket (src/server/ws-server.ts) and the message limit counts without timers
 * (src/server/ws-client-faults.ts); graphql-ws's connection_init timer fires once and is gone.
 */
const FEED = 'subscription { feed { cursor } }';
const SOCKETS = 20;
let server: TestServer;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ template: 'bare', env: { WS_INIT_TIMEOUT_MS: '200', WS_KEEPALIVE_MS: '60000' } });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server.stop();
});

function timers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

it('idle subscribed sockets hold no timers of their own', async () => {
  const before = timers();
  for (let i = 0; i < SOCKETS; i += 1) {
    const socket = await RawSocket.ready(server.app.wsUrl);
    sockets.push(socket);
    socket.subscribe(`s${i}`, FEED);
  }
  await eventually(() => server.app.relay.listenerCount === SOCKETS, 5_000, 'every subscription');
  // Once the connection_init timers have fired, what is left does not grow with the sockets.
  await eventually(() => timers() - before <= 2, 5_000, 'no timer per idle socket');
  expect(sockets.every((socket) => socket.closed === null)).toBe(true);
});
