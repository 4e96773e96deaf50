import { gql } from '../helpers/graphql';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { policyInput, recordPolicyChange } from '../helpers/writes';

/**
 * RELIABILITY B11 and C9: writes and new WebSocket connections per client
 * address, messages per socket. Behind one trusted proxy (TRUST_PROXY_HOPS=1)
 * the client is the last X-Forwarded-For entry, which lets one test play
 * several clients from 127.0.0.1.
 */
let server: TestServer;
let editor: Record<string, string>;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    template: 'bare',
    env: {
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_WRITES_PER_MINUTE: '3',
      RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE: '3',
      RATE_LIMIT_WS_MESSAGES_PER_MINUTE: '20',
    },
  });
  editor = await editorHeaders(server.app);
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server.stop();
});

const from = (client: string) => ({ 'x-forwarded-for': `203.0.113.77, ${client}` });

async function limitedCount(kind: string): Promise<number> {
  const metric = await server.app.metrics.registry.getSingleMetric('borderwatch_rate_limited_total')!.get();
  return metric.values.find((value) => value.labels.limit === kind)?.value ?? 0;
}

describe('writes', () => {
  it('refuses the 4th mutation in a minute from one client with 429, RATE_LIMITED and Retry-After, writing nothing; reads and other clients go on', async () => {
    const client = { ...editor, ...from('198.51.100.1') };
    for (let i = 0; i < 3; i += 1) expect((await recordPolicyChange(server.url, client)).errors).toBeUndefined();
    const before = await server.app.db.prisma.policy.count();

    const refused = await recordPolicyChange(server.url, client);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
    expect(refused.errors?.[0]?.message).toMatch(/^Too many writes from this address; try again in \d+ s\.$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await server.app.db.prisma.policy.count()).toBe(before);
    expect(await limitedCount('writes')).toBeGreaterThanOrEqual(1);

    const read = await gql(server.url, '{ policies(first: 1) { totalCount } }', {}, client);
    expect(read.status).toBe(200);
    expect(read.errors).toBeUndefined();
    expect((await recordPolicyChange(server.url, { ...editor, ...from('198.51.100.2') })).errors).toBeUndefined();
  });

  it('counts unauthenticated mutations too, before any token lookup', async () => {
    const client = from('198.51.100.3');
    for (let i = 0; i < 3; i += 1) expect((await recordPolicyChange(server.url, client)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await recordPolicyChange(server.url, client)).status).toBe(429);
  });
});

/** One operation of `count` writes: aliased fields, half of them spread from a fragment. */
function aliasedWrites(count: number): { query: string; variables: Record<string, unknown> } {
  const field = (i: number) => `w${i}: recordPolicyChange(input: $i${i}) { policy { id } }`;
  const indexes = Array.from({ length: count }, (_, i) => i);
  const half = Math.ceil(count / 2);
  return {
    query: `mutation (${indexes.map((i) => `$i${i}: RecordPolicyChangeInput!`).join(', ')}) {
      ${indexes.slice(0, half).map(field).join('\n')}
      ...More
    }
    fragment More on Mutation { ${indexes.slice(half).map(field).join('\n')} }`,
    variables: Object.fromEntries(indexes.map((i) => [`i${i}`, policyInput({ countryCode: ['EE', 'LV', 'LT', 'PL'][i], category: 'VISA' })])),
  };
}

describe('writes in one operation', () => {
  it('count one each: 4 aliased writes are refused whole when 3 remain, 3 go through, then the next write is refused', async () => {
    const client = { ...editor, ...from('198.51.100.5') };
    const before = await server.app.db.prisma.policy.count();
    const four = aliasedWrites(4);
    const refused = await gql(server.url, four.query, four.variables, client);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await server.app.db.prisma.policy.count()).toBe(before);

    const three = aliasedWrites(3);
    const written = await gql(server.url, three.query, three.variables, client);
    expect(written.errors).toBeUndefined();
    expect(await server.app.db.prisma.policy.count()).toBe(before + 3);
    expect((await recordPolicyChange(server.url, client)).status).toBe(429);
  });

  it('does not count a write that @skip leaves out', async () => {
    const client = { ...editor, ...from('198.51.100.6') };
    const three = aliasedWrites(3);
    const query = three.query.replace('w0: recordPolicyChange(input: $i0)', 'w0: recordPolicyChange(input: $i0) @skip(if: true)');
    expect((await gql(server.url, query, three.variables, client)).errors).toBeUndefined();
    expect((await recordPolicyChange(server.url, client)).errors).toBeUndefined();
  });
});

describe('WebSocket connections', () => {
  it('refuses the 4th new connection in a minute from one client with HTTP 429 and Retry-After on the upgrade', async () => {
    const headers = from('198.51.100.10');
    for (let i = 0; i < 3; i += 1) sockets.push(await RawSocket.ready(server.app.wsUrl, { headers }));
    const refused = await RawSocket.open(server.app.wsUrl, { headers }).then(
      (socket) => {
        sockets.push(socket);
        return null;
      },
      (error: { status?: number; headers?: Record<string, string> }) => error,
    );
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(await limitedCount('wsConnections')).toBeGreaterThanOrEqual(1);
    // The sockets already open are not affected, nor are other clients.
    expect(sockets.every((socket) => socket.closed === null)).toBe(true);
    sockets.push(await RawSocket.ready(server.app.wsUrl, { headers: from('198.51.100.11') }));
  });
});

describe('WebSocket messages', () => {
  it('closes a socket that sends more than 20 messages in a minute with 1008 (policy violation); other sockets are served', async () => {
    const flooder = await RawSocket.ready(server.app.wsUrl, { headers: from('198.51.100.20') });
    const neighbour = await RawSocket.ready(server.app.wsUrl, { headers: from('198.51.100.21') });
    sockets.push(flooder, neighbour);
    for (let i = 0; i < 200 && flooder.closed === null; i += 1) flooder.send({ type: 'ping' });
    expect(await flooder.waitForClose()).toEqual({ code: 1008, reason: 'Too many messages' });
    neighbour.send({ type: 'ping' });
    expect(await neighbour.next((frame) => frame.type === 'pong')).toBeTruthy();
    expect(neighbour.closed).toBeNull();
  });
});
