import { readPassportIndexRows } from '../../src/passport-index/passport-index.policies';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { RawSocket, type Frame } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 13 item 4: a bulk import reaches live subscribers in order, filters
 * applied: one asking for a nationality gets that nationality's items only,
 * an unfiltered one gets every item exactly once (or FEED_LAGGING with the
 * cursor to resume from, and the rest from there), and the instance keeps
 * answering meanwhile.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
});
afterAll(() => server.stop());

const seqOf = (cursor: string) => BigInt(JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString())[1] as string);
const FEED = `subscription ($filter: FeedFilter, $after: String) {
  feed(filter: $filter, after: $after) { cursor node { ... on PolicyChange { policy { nationality } } } }
}`;

function nexts(socket: RawSocket, id: string): Frame[] {
  return socket.frames.filter((frame) => frame.id === id && frame.type === 'next');
}

describe('a bulk import and the live feed', () => {
  it('reaches a subscriber filtered to one nationality with its items only, in order, and an unfiltered one with all, once each', async () => {
    const rows = (await readPassportIndexRows()).filter((row) => ['UA', 'BY'].includes(row.data.nationality as string));
    const ukrainian = rows.filter((row) => row.data.nationality === 'UA').length;
    const socket = await RawSocket.ready(server.app.wsUrl);
    try {
      socket.subscribe('ua', FEED, { filter: { nationality: 'UA' } });
      socket.subscribe('all', FEED, {});
      await eventually(() => server.app.relay.listenerCount === 2, 5_000, 'both subscriptions');

      const report = await server.app.services.bulkImporter.run(rows);
      expect(report.created.policy).toBe(rows.length);
      // The instance answers while the relay hands the items out.
      const answered = await gqlData(server.url, '{ countries(first: 1) { totalCount } }');
      expect(answered.countries.totalCount).toBeGreaterThan(240);

      await eventually(() => nexts(socket, 'ua').length >= ukrainian, 60_000, "every Ukrainian passport's item");
      const ua = nexts(socket, 'ua');
      expect(ua).toHaveLength(ukrainian);
      expect(new Set(ua.map((frame) => frame.payload.data.feed.node.policy.nationality))).toEqual(new Set(['UA']));
      const uaSeqs = ua.map((frame) => seqOf(frame.payload.data.feed.cursor));
      expect(uaSeqs).toEqual([...uaSeqs].sort((a, b) => (a < b ? -1 : 1)));

      // Unfiltered: everything, or FEED_LAGGING and the rest from the cursor it gives.
      const expected = Array.from({ length: rows.length }, (_, index) => BigInt(index + 1));
      await eventually(
        () => nexts(socket, 'all').length >= rows.length || socket.frames.some((frame) => frame.id === 'all' && frame.type === 'error'),
        60_000,
        'every item or FEED_LAGGING',
      );
      const received = nexts(socket, 'all').map((frame) => seqOf(frame.payload.data.feed.cursor));
      const lagging = socket.frames.find((frame) => frame.id === 'all' && frame.type === 'error');
      if (lagging) {
        expect(lagging.payload[0]).toMatchObject({ extensions: { code: 'FEED_LAGGING', resumeAfter: expect.any(String) } });
        socket.subscribe('rest', FEED, { after: lagging.payload[0].extensions.resumeAfter });
        await eventually(() => received.length + nexts(socket, 'rest').length >= rows.length, 60_000, 'the rest');
        received.push(...nexts(socket, 'rest').map((frame) => seqOf(frame.payload.data.feed.cursor)));
      }
      expect(received).toEqual(expected);
    } finally {
      socket.close();
    }
  }, 180_000);
});
