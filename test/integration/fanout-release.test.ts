import { parse, type ExecutionResult } from 'graphql';
import { SharedExecution, type DirectSocket } from '../../src/feed/fanout';
import { FeedStreams } from '../../src/feed/feed.streams';
import { createContext } from '../../src/server/context';
import { buildBorderwatchSchema } from '../../src/server/schema';
import { eventually } from '../helpers/ports';
import { recordPolicy } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { FEED_SUBSCRIPTION } from '../helpers/writes';

/**
 * A subscription whose socket is gone by the time its next item is ready lets go of the relay.
 * graphql-ws learns of the close a moment after the socket's state changes; an item ready in
 * that moment used to end the pump without releasing its feed subscription, which then stayed
 * on the relay, queueing every entry until FEED_MAX_QUEUE (the attack suite's replay storm left
 * a dozen per run this way).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
});
afterAll(() => server.stop());

class ClosingSocket implements DirectSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  send(data: string, callback?: (error?: Error) => void): void {
    this.sent.push(data);
    callback?.();
  }
}

it('releases its feed subscription when the socket closed before an item could be written', async () => {
  const services = server.app.services;
  const schema = await buildBorderwatchSchema(services);
  const streams = new FeedStreams(server.app.relay, services.feed, services.catalog, { maxQueue: 100, replayBatch: 10 });
  const shared = new SharedExecution({ contextFor: () => createContext(services, streams, {}) });
  const socket = new ClosingSocket();
  const contextValue = createContext(services, streams, {});
  shared.attach(contextValue, socket, 'sub-1');

  const before = server.app.relay.listenerCount;
  const iterator = (await shared.subscribe({ schema, document: parse(FEED_SUBSCRIPTION), contextValue })) as AsyncIterableIterator<ExecutionResult>;
  await eventually(() => server.app.relay.listenerCount === before + 1, 5_000, 'the subscription on the relay');

  socket.readyState = 3; // closed; graphql-ws has not heard of it yet
  await recordPolicy(server, { countryCode: 'FI', category: 'WORK', status: 'OPEN', effectiveFrom: '2031-01-01' });

  // The pump ends (graphql-ws would now send `complete` and forget the subscription)...
  expect(await iterator.next()).toEqual({ done: true, value: undefined });
  expect(socket.sent).toEqual([]);
  // ...and nobody else will ever call return(): the feed subscription must be gone from the relay already.
  await eventually(() => server.app.relay.listenerCount === before, 2_000, 'the subscription to leave the relay');
});
