import { Client } from 'pg';
import { gqlData } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 13 item 4: with every passport's history in the feed (a hundred
 * thousand items), a reader asking for one nationality gets its page through
 * an index, not by reading the feed.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
});
afterAll(() => server.stop());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Runs `read`, catching the statements it sends on feed_entry, and EXPLAINs each with its own parameters. */
async function plansOf(read: () => Promise<unknown>): Promise<Array<{ text: string; nodes: PlanNode[] }>> {
  const pool = server.app.db.pool;
  const seen: Array<{ text: string; values: unknown[] }> = [];
  const original = pool.query.bind(pool);
  const spy = jest.spyOn(pool, 'query').mockImplementation(((config: unknown, values?: unknown) => {
    if (config && typeof config === 'object' && 'text' in config) {
      const { text, values: params } = config as { text: string; values?: unknown[] };
      if (text.includes('feed_entry')) seen.push({ text, values: params ?? [] });
    }
    return (original as (c: unknown, v?: unknown) => unknown)(config, values);
  }) as typeof pool.query);
  try {
    await read();
  } finally {
    spy.mockRestore();
  }
  const client = new Client({ connectionString: server.db.url });
  await client.connect();
  try {
    const plans: Array<{ text: string; nodes: PlanNode[] }> = [];
    for (const { text, values } of seen) {
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
      plans.push({ text, nodes: nodes(rows[0]!['QUERY PLAN'][0]!.Plan) });
    }
    if (process.env.SHOW_PLANS) console.log(plans.map((p) => p.nodes.map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name'] ?? ''}`).join(' > ')).join('\n'));
    return plans;
  } finally {
    await client.end();
  }
}

const FEED = `query ($filter: FeedFilter, $first: Int) {
  feed(filter: $filter, first: $first) { totalCount edges { cursor node { ... on PolicyChange { policy { nationality } } } } }
}`;

describe('one nationality of a feed with every passport', () => {
  it('has the history of 199 nationalities in the feed', async () => {
    const [row] = await server.app.db.prisma.$queryRawUnsafe<Array<{ items: bigint; nationalities: bigint }>>(
      `SELECT count(*) AS items, count(DISTINCT nationality) AS nationalities FROM feed_entry`,
    );
    expect(Number(row!.items)).toBeGreaterThan(98_000);
    expect(Number(row!.nationalities)).toBe(199);
  });

  it('reads a page of one nationality (and its total) by index, over GraphQL and the news feeds', async () => {
    for (const [read, counts] of [
      [() => gqlData(server.url, FEED, { filter: { nationality: 'UA' }, first: 20 }), true],
      [() => gqlData(server.url, FEED, { filter: { nationality: 'BY', countryCodes: ['PL'] }, first: 20 }), true],
      [() => fetch(`${server.url.replace(/\/graphql$/, '')}/feed.json?nationality=UA`).then((response) => response.text()), false],
    ] as const) {
      const plans = await plansOf(read);
      expect(plans.length).toBeGreaterThan(0);
      for (const plan of plans) {
        const scans = plan.nodes.filter((node) => node['Relation Name'] === 'feed_entry' || node['Index Name']?.startsWith('feed_entry'));
        expect({ text: plan.text, seqScans: scans.filter((node) => node['Node Type'] === 'Seq Scan') }).toEqual({ text: plan.text, seqScans: [] });
        expect(scans.some((node) => /Index|Bitmap/.test(node['Node Type']))).toBe(true);
      }
      // The page may walk the feed's own index newest first when the nationality is common enough; counting
      // its items (totalCount) cannot, and reads the nationality's index.
      if (counts) expect(plans.some((plan) => plan.nodes.some((node) => node['Index Name'] === 'feed_entry_nationality_seq_idx'))).toBe(true);
    }
  });

  it('answers with that nationality only (statements and events, which have none, included)', async () => {
    const data = await gqlData(server.url, FEED, { filter: { nationality: 'UA' }, first: 50 });
    const nationalities = new Set(data.feed.edges.map((edge: any) => edge.node.policy?.nationality ?? null));
    expect([...nationalities].filter((n) => n !== null)).toEqual(['UA']);
    expect(data.feed.totalCount).toBeGreaterThan(450);
    expect(data.feed.totalCount).toBeLessThan(1_000);
  });
});
