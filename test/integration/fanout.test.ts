import { parse, subscribe, type ExecutionResult } from 'graphql';
import WebSocket from 'ws';
import { SharedExecution } from '../../src/feed/fanout';
import { FeedStreams } from '../../src/feed/feed.streams';
import { createContext } from '../../src/server/context';
import { buildBorderwatchSchema } from '../../src/server/schema';
import { addStatement, recordPolicy } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { FEED_SUBSCRIPTION } from '../helpers/writes';

/**
 * Shared subscription execution (src/feed/fanout.ts) must give every socket exactly what
 * per-socket execution (graphql-js `subscribe`, graphql-ws's default) gives it: the same
 * results, the same filters, the same order; only the number of executions changes.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
});
afterAll(() => server.stop());

async function waitForListeners(count: number): Promise<void> {
  for (let i = 0; i < 250; i += 1) {
    if (server.app.relay.listenerCount >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`only ${server.app.relay.listenerCount} of ${count} subscriptions became live`);
}

async function take(iterator: AsyncIterableIterator<ExecutionResult>, count: number): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  while (results.length < count) {
    const step = await iterator.next();
    if (step.done) break;
    results.push(step.value);
  }
  await iterator.return?.();
  return results;
}

describe('shared subscription execution', () => {
  it('gives each subscriber the same results as per-socket execution, executing each event once per document and variables', async () => {
    const services = server.app.services;
    const schema = await buildBorderwatchSchema(services);
    const streams = new FeedStreams(server.app.relay, services.feed, services.catalog, { maxQueue: 100, replayBatch: 10 });
    const context = () => createContext(services, streams, {});
    const shared = new SharedExecution({ contextFor: context });
    const document = parse(FEED_SUBSCRIPTION);
    const args = (variableValues: Record<string, unknown>) => ({ schema, document, variableValues, contextValue: context() });
    const all = {};
    const finland = { filter: { countryCodes: ['FI'] } };

    const listeners = server.app.relay.listenerCount;
    const reference = (await subscribe(args(all))) as AsyncIterableIterator<ExecutionResult>;
    const referenceFinland = (await subscribe(args(finland))) as AsyncIterableIterator<ExecutionResult>;
    const first = (await shared.subscribe(args(all))) as AsyncIterableIterator<ExecutionResult>;
    const second = (await shared.subscribe(args(all))) as AsyncIterableIterator<ExecutionResult>;
    const sharedFinland = (await shared.subscribe(args(finland))) as AsyncIterableIterator<ExecutionResult>;
    await waitForListeners(listeners + 5);

    await recordPolicy(server, { countryCode: 'FI', category: 'WORK', status: 'RESTRICTED', effectiveFrom: '2030-01-01' });
    await addStatement(server, { speaker: 'A minister', countryCode: 'EE', saidAt: '2030-01-02T10:00:00Z' });
    await recordPolicy(server, { countryCode: 'EE', category: 'WORK', status: 'OPEN', effectiveFrom: '2030-01-03' });
    await recordPolicy(server, { countryCode: 'FI', category: 'WORK', status: 'OPEN', effectiveFrom: '2030-01-04' });

    const [expected, expectedFinland, got1, got2, gotFinland] = await Promise.all([
      take(reference, 4),
      take(referenceFinland, 2),
      take(first, 4),
      take(second, 4),
      take(sharedFinland, 2),
    ]);
    expect(expected).toHaveLength(4);
    expect(expected.every((r) => !r.errors)).toBe(true);
    expect(got1).toEqual(expected);
    expect(got2).toEqual(expected);
    expect(gotFinland).toEqual(expectedFinland);
    expect(expectedFinland.map((r) => (r.data as any).feed.node.policy.countryCode)).toEqual(['FI', 'FI']);
    // Four events for the two unfiltered subscribers, two for the Finnish one: six executions, four of them shared.
    expect(shared.executed).toBe(6);
    expect(shared.shared).toBe(4);
  });

  it('writes one graphql-ws next message, with each socket\'s own id, to every socket, and stops at complete', async () => {
    const idle = server.app.relay.listenerCount;
    const sockets = await Promise.all(['a', 'b', 'c'].map((id) => openSocket(id)));
    await waitForListeners(idle + 3);
    const before = server.app.relay.listenerCount;
    await recordPolicy(server, { countryCode: 'LV', category: 'WORK', status: 'CLOSED', effectiveFrom: '2030-02-01' });
    await Promise.all(sockets.map((s) => s.waitFor(1)));
    // Same payload for all; each message carries its own subscription id, as graphql-ws writes it.
    const payloads = sockets.map((s) => JSON.stringify(JSON.parse(s.messages[0]!).payload));
    expect(new Set(payloads).size).toBe(1);
    sockets.forEach((s, i) => expect(JSON.parse(s.messages[0]!)).toMatchObject({ id: ['a', 'b', 'c'][i], type: 'next' }));
    expect(JSON.parse(payloads[0]!).data.feed.node.policy.countryCode).toBe('LV');

    // The client completes socket a's subscription: it gets nothing more, the others do.
    sockets[0]!.ws.send(JSON.stringify({ id: 'a', type: 'complete' }));
    for (let i = 0; i < 100 && server.app.relay.listenerCount >= before; i += 1) await new Promise((r) => setTimeout(r, 20));
    await recordPolicy(server, { countryCode: 'LV', category: 'WORK', status: 'OPEN', effectiveFrom: '2030-02-02' });
    await Promise.all(sockets.slice(1).map((s) => s.waitFor(2)));
    await new Promise((r) => setTimeout(r, 200));
    expect(sockets[0]!.messages).toHaveLength(1);
    for (const s of sockets) s.ws.close();
  });
});

async function openSocket(id: string) {
  const ws = new WebSocket(server.app.wsUrl, 'graphql-transport-ws');
  const messages: string[] = [];
  const socket = {
    ws,
    messages,
    async waitFor(count: number) {
      for (let i = 0; i < 250 && messages.length < count; i += 1) await new Promise((r) => setTimeout(r, 20));
      if (messages.length < count) throw new Error(`socket ${id}: ${messages.length} of ${count} messages`);
    },
  };
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      const message = JSON.parse(text) as { type: string };
      if (message.type === 'connection_ack') {
        ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: FEED_SUBSCRIPTION, variables: {} } }));
        resolve();
      } else if (message.type === 'next') messages.push(text);
    });
  });
  return socket;
}
