import { parse, type ExecutionResult } from 'graphql';
import { EventKind, FeedKind, PolicyCategory, PolicyStatus } from '../../src/common/enums';
import { SharedExecution } from '../../src/feed/fanout';
import { FeedStreams } from '../../src/feed/feed.streams';
import { createContext } from '../../src/server/context';
import { buildBorderwatchSchema } from '../../src/server/schema';
import { gql } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { RawSocket, type Frame } from '../helpers/raw-ws';
import { addStatement } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { FEED_SUBSCRIPTION } from '../helpers/writes';

/**
 * What one client can make the server hold or do (issue 11, item 5): sockets open at once per
 * address, values in a filter's lists (both transports, and the news feeds), and shared execution
 * split by variables nobody declared. Behind one trusted proxy (TRUST_PROXY_HOPS=1) the client is
 * the last X-Forwarded-For entry, so one test plays several clients.
 */
let server: TestServer;
const sockets: RawSocket[] = [];
const from = (address: string) => ({ 'x-forwarded-for': address });

beforeAll(async () => {
  server = await startTestServer({ template: 'seeded', env: { TRUST_PROXY_HOPS: '1', WS_MAX_SOCKETS_PER_ADDRESS: '3', WS_INIT_TIMEOUT_MS: '300' } });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server.stop();
});

async function open(address: string, init = true): Promise<RawSocket> {
  const socket = init ? await RawSocket.ready(server.app.wsUrl, { headers: from(address) }) : await RawSocket.open(server.app.wsUrl, { headers: from(address) });
  sockets.push(socket);
  return socket;
}

async function refusal(address: string): Promise<{ status?: number } | null> {
  return open(address).then(
    () => null,
    (error: { status?: number }) => error,
  );
}

async function limitedCount(limit: string): Promise<number> {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  return Number(new RegExp(`^borderwatch_rate_limited_total\\{limit="${limit}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

describe('WebSockets open at once per client address (WS_MAX_SOCKETS_PER_ADDRESS)', () => {
  it('refuses the upgrade past the cap with 429, counts it, and gives the place back when a socket closes, whoever closes it', async () => {
    const mine = [await open('203.0.113.1'), await open('203.0.113.1'), await open('203.0.113.1')];
    expect((await refusal('203.0.113.1'))?.status).toBe(429);
    expect((await refusal('203.0.113.1'))?.status).toBe(429);
    expect(await limitedCount('wsSockets')).toBeGreaterThanOrEqual(2);
    // Another address is not affected, nor are the open sockets.
    await open('203.0.113.2');
    expect(mine.every((socket) => socket.closed === null)).toBe(true);

    // The client closes one: its place is free again (refusals took none).
    mine[0]!.close();
    await eventually(async () => (await refusal('203.0.113.1')) === null, 5_000, 'a place to free up');
    expect((await refusal('203.0.113.1'))?.status).toBe(429);
  });

  it('frees the place of a socket the server closes (no connection_init in time)', async () => {
    const silent = [await open('203.0.113.3', false), await open('203.0.113.3', false), await open('203.0.113.3', false)];
    expect((await refusal('203.0.113.3'))?.status).toBe(429);
    await Promise.all(silent.map((socket) => socket.waitForClose()));
    expect(silent.map((socket) => socket.closed?.code)).toEqual([4408, 4408, 4408]);
    await eventually(async () => (await refusal('203.0.113.3')) === null, 5_000, 'the places to free up');
  });
});

/** The first error a subscription gets, whichever way graphql-ws sends it (`error`, or `next` with errors). */
async function subscriptionError(socket: RawSocket, id: string, query: string, variables: Record<string, unknown>) {
  socket.subscribe(id, query, variables);
  const frame: Frame = await socket.answer(id, 5_000);
  return (frame.type === 'error' ? frame.payload : frame.payload.errors)?.[0];
}

const FI_TIMES = (n: number) => Array.from({ length: n }, () => 'FI');

describe('filter lists', () => {
  const times = (n: number, value: string) => Array.from({ length: n }, () => value);
  // One more value than the enum has: a list can mean each value once at most.
  const overEnum = (values: Record<string, string>, value: string) => times(Object.keys(values).length + 1, value);
  it.each([
    { list: 'policies', type: 'PolicyFilter', filter: { countryCodes: FI_TIMES(251) }, field: 'filter.countryCodes' },
    { list: 'policies', type: 'PolicyFilter', filter: { statuses: overEnum(PolicyStatus, 'OPEN') }, field: 'filter.statuses' },
    { list: 'policies', type: 'PolicyFilter', filter: { categories: overEnum(PolicyCategory, 'VISA') }, field: 'filter.categories' },
    { list: 'events', type: 'EventFilter', filter: { kinds: overEnum(EventKind, 'OTHER') }, field: 'filter.kinds' },
    { list: 'events', type: 'EventFilter', filter: { countryCodes: FI_TIMES(251) }, field: 'filter.countryCodes' },
    { list: 'statements', type: 'StatementFilter', filter: { countryCodes: FI_TIMES(5000) }, field: 'filter.countryCodes' },
    { list: 'feed', type: 'FeedFilter', filter: { kinds: overEnum(FeedKind, 'EVENT') }, field: 'filter.kinds' },
  ])('over HTTP, $list refuses more values than $field can mean with BAD_USER_INPUT naming it', async ({ list, type, filter, field }) => {
    const result = await gql(server.url, `query ($filter: ${type}) { ${list}(filter: $filter) { totalCount } }`, { filter });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toMatch(/at most \d+ values/);
  });

  it('over HTTP, takes every country once, and answers repeats as the values they repeat', async () => {
    const query = 'query ($filter: PolicyFilter) { policies(filter: $filter) { totalCount } }';
    const once = await gql(server.url, query, { filter: { countryCodes: ['FI', 'EE'], statuses: ['OPEN', 'CLOSED'] } });
    const repeated = await gql(server.url, query, { filter: { countryCodes: ['FI', 'EE', 'FI', 'EE'], statuses: ['OPEN', 'CLOSED', 'OPEN', 'CLOSED'] } });
    expect(once.errors).toBeUndefined();
    expect(repeated.data).toEqual(once.data);
    const every = server.app.services.catalog.all().map((country) => country.code);
    expect(every.length).toBeLessThanOrEqual(250);
    expect((await gql(server.url, query, { filter: { countryCodes: every } })).errors).toBeUndefined();
  });

  it('over WebSocket, refuses a feed or policyChanged subscription with too many values, naming the field', async () => {
    const socket = await open('203.0.113.10');
    expect(await subscriptionError(socket, 'feed', FEED_SUBSCRIPTION, { filter: { countryCodes: FI_TIMES(251) } })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'filter.countryCodes' },
    });
    const categories = Array.from({ length: 8 }, () => 'VISA');
    expect(
      await subscriptionError(socket, 'changes', 'subscription ($filter: PolicyChangedFilter) { policyChanged(filter: $filter) { cursor } }', { filter: { categories } }),
    ).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.categories' } });
    expect(socket.closed).toBeNull();
  });

  it('on the news feeds, refuses more countries than exist with 400 naming the parameter', async () => {
    const response = await fetch(server.url.replace('/graphql', `/feed.atom?country=${FI_TIMES(251).join(',')}`));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ parameter: 'country', detail: expect.stringMatching(/at most 250 values/) });
    expect((await fetch(server.url.replace('/graphql', '/feed.json?country=FI,FI,EE'))).status).toBe(200);
  });
});

describe('shared execution', () => {
  it('is not split by a variable the operation does not declare, nor by equal values written differently', async () => {
    const services = server.app.services;
    const schema = await buildBorderwatchSchema(services);
    const streams = new FeedStreams(server.app.relay, services.feed, services.catalog, { maxQueue: 100, replayBatch: 10 });
    const context = () => createContext(services, streams, {});
    const shared = new SharedExecution({ contextFor: context });
    const document = parse(FEED_SUBSCRIPTION);
    const subscribe = async (variableValues: Record<string, unknown>) =>
      (await shared.subscribe({ schema, document, variableValues, contextValue: context() })) as AsyncIterableIterator<ExecutionResult>;
    const listeners = server.app.relay.listenerCount;
    const iterators = [
      await subscribe({ filter: { countryCodes: ['EE'] } }),
      await subscribe({ filter: { countryCodes: ['EE'] }, junk: 'x'.repeat(1000) }),
      await subscribe({ filter: { countryCodes: 'EE' }, other: 1 }),
    ];
    await eventually(() => server.app.relay.listenerCount === listeners + 3, 5_000, 'the subscriptions');
    await addStatement(server, { speaker: 'A minister', countryCode: 'EE', saidAt: '2030-03-01T10:00:00Z' });
    const results = await Promise.all(iterators.map((iterator) => iterator.next()));
    for (const iterator of iterators) await iterator.return?.();
    expect(results.map((result) => result.value)).toEqual([results[0]!.value, results[0]!.value, results[0]!.value]);
    expect(shared.executed).toBe(1);
    expect(shared.shared).toBe(2);
  });
});
