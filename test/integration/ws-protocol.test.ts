import { eventually, sleep } from '../helpers/ports';
import { RawSocket } from '../helpers/raw-ws';
import { recordPolicy } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

/** RELIABILITY C1–C9: graphql-ws close codes as the protocol means them, and the per-socket limits. */
let server: TestServer;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    template: 'bare',
    env: { WS_INIT_TIMEOUT_MS: '300', WS_KEEPALIVE_MS: '500', WS_MAX_SUBSCRIPTIONS: '3' },
  });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await eventually(() => server.app.relay.listenerCount === 0, 5_000, 'the closed sockets\' subscriptions to end');
});
afterAll(() => server.stop());

async function open(options: Parameters<typeof RawSocket.open>[1] = {}): Promise<RawSocket> {
  const socket = await RawSocket.open(server.app.wsUrl, options);
  sockets.push(socket);
  return socket;
}

async function ready(options: Parameters<typeof RawSocket.ready>[1] = {}): Promise<RawSocket> {
  const socket = await RawSocket.ready(server.app.wsUrl, options);
  sockets.push(socket);
  return socket;
}

const LIVE = 'subscription { feed { cursor node { ... on PolicyChange { policy { id } } } } }';

describe('graphql-ws close codes', () => {
  it('closes a socket that sends no connection_init with 4408 once WS_INIT_TIMEOUT_MS has passed', async () => {
    const started = Date.now();
    const socket = await open();
    expect(await socket.waitForClose()).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('closes with 4401 on a subscribe before the connection is acknowledged', async () => {
    const socket = await open();
    socket.subscribe('1', LIVE);
    expect((await socket.waitForClose()).code).toBe(4401);
  });

  it('closes with 4409 when a subscription id is already in use', async () => {
    const socket = await ready();
    socket.subscribe('same', LIVE);
    socket.subscribe('same', LIVE);
    expect(await socket.waitForClose()).toEqual({ code: 4409, reason: 'Subscriber for same already exists' });
  });

  it('closes with 4429 on a second connection_init (the protocol meaning; rate limits use 1008 and HTTP 429)', async () => {
    const socket = await ready();
    socket.send({ type: 'connection_init' });
    expect((await socket.waitForClose()).code).toBe(4429);
  });

  it.each([
    ['text that is not JSON', 'hello'],
    ['an unknown message type', JSON.stringify({ type: 'shout' })],
    ['a subscribe without a query', JSON.stringify({ type: 'subscribe', id: 'x', payload: { query: 42 } })],
    ['a message type only servers send', JSON.stringify({ type: 'next', id: 'x', payload: {} })],
  ])('closes with 4400 on %s', async (_what, frame) => {
    const socket = await ready();
    socket.send(frame);
    expect((await socket.waitForClose()).code).toBe(4400);
  });

  it('closes with 4406 when the client asks for no subprotocol (or one the server does not speak, which the upgrade leaves out)', async () => {
    const socket = await open({ protocol: '' });
    expect(await socket.waitForClose()).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
  });

  it('closes with 1009 a frame larger than WS_MAX_MESSAGE_BYTES (64 KiB)', async () => {
    const socket = await ready();
    socket.subscribe('big', `subscription { feed { cursor } } # ${'x'.repeat(1024 * 1024)}`);
    expect((await socket.waitForClose()).code).toBe(1009);
  });
});

describe('one socket, many operations', () => {
  it('answers a bad document with an error for that id only: the socket and its other subscriptions live on', async () => {
    const socket = await ready();
    socket.subscribe('live', LIVE);
    await eventually(() => server.app.relay.listenerCount >= 1, 5_000, 'the subscription');
    socket.subscribe('unknown-field', 'subscription { feed { nope } }');
    socket.subscribe('syntax', 'subscription {');
    expect(await socket.answer('unknown-field')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    expect(await socket.answer('syntax')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    const written = await recordPolicy(server, { countryCode: 'EE', effectiveFrom: '2024-01-01' });
    const next = await socket.answer('live');
    expect(next.payload.data.feed.node.policy.id).toBe(written.policy.id);
    expect(socket.closed).toBeNull();
  });

  it('refuses variables that do not fit the operation with BAD_USER_INPUT, as HTTP does (found by the fuzz test)', async () => {
    const socket = await ready();
    socket.subscribe('v', 'subscription ($filter: FeedFilter) { feed(filter: $filter) { cursor } }', { filter: '' });
    expect(await socket.answer('v')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(socket.closed).toBeNull();
  });

  it('refuses queries and mutations over the socket, writing nothing, even with an editor token', async () => {
    const headers = await editorHeaders(server.app);
    const socket = await RawSocket.open(server.app.wsUrl);
    sockets.push(socket);
    socket.send({ type: 'connection_init', payload: headers });
    await socket.next((frame) => frame.type === 'connection_ack');
    const before = await server.app.db.prisma.policy.count();
    socket.subscribe('m', RECORD_POLICY_CHANGE, { input: policyInput() });
    socket.subscribe('q', '{ countries(first: 1) { totalCount } }');
    for (const id of ['m', 'q']) {
      expect(await socket.answer(id)).toMatchObject({
        type: 'error',
        payload: [{ message: 'Only subscription operations are supported over WebSocket', extensions: { code: 'BAD_REQUEST' } }],
      });
    }
    expect(await server.app.db.prisma.policy.count()).toBe(before);
  });

  it('caps subscriptions per socket (WS_MAX_SUBSCRIPTIONS): one more is refused with TOO_MANY_SUBSCRIPTIONS, and room frees up on complete', async () => {
    const baseline = 0;
    const socket = await ready();
    for (const id of ['1', '2', '3']) socket.subscribe(id, LIVE);
    await eventually(() => server.app.relay.listenerCount === baseline + 3, 5_000, 'three subscriptions');
    socket.subscribe('4', LIVE);
    expect(await socket.answer('4')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 } }] });
    socket.send({ type: 'complete', id: '1' });
    await eventually(() => server.app.relay.listenerCount === baseline + 2, 5_000, 'one completed');
    socket.subscribe('5', LIVE);
    await eventually(() => server.app.relay.listenerCount === baseline + 3, 5_000, 'the new one');
    expect(socket.closed).toBeNull();
  });
});

describe('keep-alive', () => {
  it('cuts a peer that stops answering pings within two WS_KEEPALIVE_MS periods and releases its subscriptions; a live peer stays', async () => {
    const baseline = 0;
    const dead = await ready({ autoPong: false });
    const alive = await ready();
    dead.subscribe('d', LIVE);
    alive.subscribe('a', LIVE);
    await eventually(() => server.app.relay.listenerCount === baseline + 2, 5_000, 'both subscriptions');
    const closed = await dead.waitForClose(5_000);
    expect(closed.code).toBe(1006);
    await eventually(() => server.app.relay.listenerCount === baseline + 1, 5_000, 'the dead peer\'s subscription to go');
    await sleep(1_200);
    expect(alive.closed).toBeNull();
  });
});
