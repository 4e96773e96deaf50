import { errorCode, gql, gqlData } from '../helpers/graphql';
import { addEvent, addStatement, recordPolicy } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

let seeded: TestServer;
let bare: TestServer;
const id: Record<string, string> = {};

// Written in this order, so the feed (newest first) lists them in reverse.
beforeAll(async () => {
  [seeded, bare] = await Promise.all([startTestServer(), startTestServer({ template: 'bare' })]);
  const policy = async (name: string, fixture: Parameters<typeof recordPolicy>[1]) => {
    id[name] = (await recordPolicy(bare, fixture)).policy.id;
  };
  await policy('open', { countryCode: 'AD', status: 'OPEN', visaRequirement: 'VISA_FREE', maxStayDays: 90, effectiveFrom: '2022-01-01' });
  id.adStatement = (await addStatement(bare, { speaker: 'Head of Government', countryCode: 'AD', saidAt: '2022-01-15T09:00:00Z' })).statement.id;
  await policy('restricted', { countryCode: 'AD', status: 'RESTRICTED', effectiveFrom: '2022-02-01' });
  id.event = (await addEvent(bare, { title: 'Border talks', occurredOn: '2022-02-10', countryCode: 'MC', countryCodes: ['AD'] })).event.id;
  await policy('conditional', { countryCode: 'AD', status: 'CONDITIONAL', effectiveFrom: '2022-03-01' });
  await policy('belarusians', { countryCode: 'AD', nationality: 'BY', status: 'OPEN', effectiveFrom: '2022-01-01' });
  await policy('unchanged', { countryCode: 'AD', status: 'CONDITIONAL', title: 'Same rule, reworded', effectiveFrom: '2022-04-01' });
  id.nowhereStatement = (await addStatement(bare, { speaker: 'A commentator', saidAt: '2022-04-02T00:00:00Z' })).statement.id;
});
afterAll(() => Promise.all([seeded?.stop(), bare?.stop()]));

const FEED = `query ($first: Int, $after: String, $filter: FeedFilter) {
  feed(first: $first, after: $after, filter: $filter) {
    totalCount
    edges {
      cursor kind committedAt
      node {
        __typename
        ... on PolicyChange {
          direction
          policy { id countryCode nationality category status effectiveFrom effectiveTo }
          previous { id countryCode nationality category effectiveFrom effectiveTo }
        }
        ... on Statement { id countryCode }
        ... on Event { id countries { code } }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

type Edge = { cursor: string; kind: string; committedAt: string; node: any };

async function feed(server: TestServer, variables: Record<string, unknown> = {}) {
  return (await gqlData(server.url, FEED, variables)).feed;
}

/** Every edge of the feed, page by page. */
async function walk(server: TestServer, first: number, filter?: Record<string, unknown>): Promise<{ edges: Edge[]; totals: number[] }> {
  const edges: Edge[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const page: any = await feed(server, { first, after, filter });
    edges.push(...page.edges);
    totals.push(page.totalCount);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { edges, totals };
}

/** The id of the record an edge is about. */
function recordId(edge: Edge): string {
  return edge.node.__typename === 'PolicyChange' ? edge.node.policy.id : edge.node.id;
}

function seqs(server: TestServer, edges: Edge[]): bigint[] {
  return edges.map((edge) => server.app.services.feed.seqOf(edge.cursor));
}

function expectStrictlyDecreasing(values: bigint[]): void {
  for (let i = 1; i < values.length; i += 1) expect(values[i]! < values[i - 1]!).toBe(true);
}

const writtenOrder = ['open', 'adStatement', 'restricted', 'event', 'conditional', 'belarusians', 'unchanged', 'nowhereStatement'];

describe('feed: order and pagination', () => {
  it('lists every change newest first, across pages, each once, in strictly decreasing order', async () => {
    const { edges, totals } = await walk(bare, 3);
    expect(totals).toEqual([8, 8, 8]);
    expect(edges.map(recordId)).toEqual([...writtenOrder].reverse().map((name) => id[name]));
    expectStrictlyDecreasing(seqs(bare, edges));
    const committed = edges.map((edge) => Date.parse(edge.committedAt));
    expect(committed).toEqual([...committed].sort((a, b) => b - a));
  });

  it("walks the seeded feed the same way (one nationality's: the whole has every passport's history), with the same totalCount on every page", async () => {
    const { edges, totals } = await walk(seeded, 50, { nationality: 'RU' });
    expect(totals[0]).toBeGreaterThan(500);
    expect(new Set(totals).size).toBe(1);
    expect(edges).toHaveLength(totals[0]!);
    expectStrictlyDecreasing(seqs(seeded, edges));
    expect(new Set(edges.map((edge) => edge.kind))).toEqual(new Set(['POLICY_CHANGE', 'STATEMENT', 'EVENT']));
  });

  it('answers first: 0 with the count only, and an empty page after the oldest change', async () => {
    expect(await feed(bare, { first: 0 })).toMatchObject({ edges: [], totalCount: 8, pageInfo: { hasNextPage: true, endCursor: null } });
    const all = await feed(bare, { first: 8 });
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, endCursor: all.edges[7].cursor });
    expect(await feed(bare, { first: 8, after: all.pageInfo.endCursor })).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true },
    });
    const short = await feed(bare, { first: 7 });
    expect(short.pageInfo.hasNextPage).toBe(true);
  });
});

describe('feed: nodes', () => {
  it('types each node by the kind of its edge', async () => {
    const { edges } = await feed(bare, { first: 8 });
    const typename: Record<string, string> = { POLICY_CHANGE: 'PolicyChange', STATEMENT: 'Statement', EVENT: 'Event' };
    for (const edge of edges as Edge[]) expect(edge.node.__typename).toBe(typename[edge.kind]);
  });

  it('gives a policy change the version it replaced and how the rule moved', async () => {
    const { edges } = await feed(bare, { first: 8, filter: { kinds: ['POLICY_CHANGE'] } });
    const byPolicy = new Map((edges as Edge[]).map((edge) => [edge.node.policy.id, edge.node]));
    expect(byPolicy.get(id.open)).toMatchObject({ direction: 'NEW', previous: null });
    expect(byPolicy.get(id.belarusians)).toMatchObject({ direction: 'NEW', previous: null });
    expect(byPolicy.get(id.restricted)).toMatchObject({ direction: 'STRICTER', previous: { id: id.open, effectiveTo: '2022-02-01' } });
    expect(byPolicy.get(id.conditional)).toMatchObject({ direction: 'LOOSER', previous: { id: id.restricted, effectiveTo: '2022-03-01' } });
    expect(byPolicy.get(id.unchanged)).toMatchObject({ direction: 'UNCHANGED', previous: { id: id.conditional } });
  });

  it('keeps the seeded story\'s directions: Finland closing, reopening briefly and closing again', async () => {
    const { edges } = await walk(seeded, 100, { kinds: ['POLICY_CHANGE'], countryCodes: ['FI'] });
    const entry = new Map(edges.filter((e) => e.node.policy.category === 'ENTRY').map((e) => [e.node.policy.effectiveFrom, e.node]));
    expect(entry.get('2022-09-30')).toMatchObject({ direction: 'NEW', previous: null });
    expect(entry.get('2023-11-30')).toMatchObject({ direction: 'STRICTER', policy: { status: 'CLOSED' }, previous: { effectiveFrom: '2023-11-24' } });
    expect(entry.get('2023-12-14')).toMatchObject({ direction: 'LOOSER', policy: { status: 'RESTRICTED' } });
    expect(entry.get('2023-12-15')).toMatchObject({ direction: 'STRICTER', policy: { status: 'CLOSED' } });
    for (const edge of edges) {
      const { policy, previous, direction } = edge.node;
      expect(direction === 'NEW').toBe(previous === null);
      if (previous) {
        expect(previous).toMatchObject({ countryCode: policy.countryCode, nationality: policy.nationality, category: policy.category });
        expect(previous.effectiveTo).toBe(policy.effectiveFrom);
      }
    }
  });
});

describe('feed: filters', () => {
  async function recordIds(filter: Record<string, unknown>): Promise<string[]> {
    return ((await feed(bare, { first: 100, filter })).edges as Edge[]).map(recordId);
  }

  it('filters by kinds', async () => {
    expect(await recordIds({ kinds: ['STATEMENT'] })).toEqual([id.nowhereStatement, id.adStatement]);
    expect(await recordIds({ kinds: ['EVENT', 'STATEMENT'] })).toEqual([id.nowhereStatement, id.event, id.adStatement]);
    expect((await feed(bare, { filter: { kinds: ['POLICY_CHANGE'] } })).totalCount).toBe(5);
  });

  it('filters by country: a policy\'s country, a speaker\'s country, any country involved in an event', async () => {
    expect(await recordIds({ countryCodes: ['MC'] })).toEqual([id.event]);
    const andorra = await recordIds({ countryCodes: ['AD'] });
    expect(andorra).toEqual([...writtenOrder].reverse().filter((name) => name !== 'nowhereStatement').map((name) => id[name]));
    expect(await recordIds({ countryCodes: ['FR'] })).toEqual([]);
  });

  it('keeps, for a nationality, its policy changes and every statement and event, which concern no single nationality', async () => {
    expect(await recordIds({ nationality: 'BY' })).toEqual([id.nowhereStatement, id.belarusians, id.event, id.adStatement]);
    const russians = await recordIds({ nationality: 'RU' });
    expect(russians).not.toContain(id.belarusians);
    expect(russians).toHaveLength(7);
    expect(await recordIds({ nationality: 'BY', kinds: ['POLICY_CHANGE'] })).toEqual([id.belarusians]);
  });

  it('combines conditions, counting only what matches them all', async () => {
    const page = await feed(bare, { first: 1, filter: { countryCodes: ['AD'], kinds: ['POLICY_CHANGE'], nationality: 'RU' } });
    expect(page.totalCount).toBe(4);
    expect(page.edges.map(recordId)).toEqual([id.unchanged]);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('keeps a filtered page\'s items about the countries asked, in the seeded story', async () => {
    const { edges } = await walk(seeded, 10, { countryCodes: ['FI', 'LT'] });
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      const node = edge.node;
      const codes: string[] =
        node.__typename === 'PolicyChange' ? [node.policy.countryCode] : node.__typename === 'Statement' ? [node.countryCode] : node.countries.map((c: any) => c.code);
      expect(codes.some((code) => code === 'FI' || code === 'LT')).toBe(true);
    }
  });
});

describe('feed: refusals', () => {
  async function refusal(variables: Record<string, unknown>, field: string) {
    const result = await gql(bare.url, FEED, variables);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).toMatchObject({ field });
    return result.errors![0]!.message;
  }

  it('refuses unknown countries and nationalities, naming the field', async () => {
    await refusal({ filter: { countryCodes: ['AD', 'QQ'] } }, 'filter.countryCodes.1');
    await refusal({ filter: { nationality: 'QQ' } }, 'filter.nationality');
  });

  it('refuses page sizes outside 0 to the maximum', async () => {
    await refusal({ first: bare.config.pageSize.max + 1 }, 'first');
    await refusal({ first: -1 }, 'first');
  });

  it('refuses an edited cursor, a cursor of another list and a signed cursor whose position is not a sequence number', async () => {
    const { pageInfo } = await feed(bare, { first: 1 });
    const [body, signature] = (pageInfo.endCursor as string).split('.') as [string, string];
    const bumped = Buffer.from(JSON.stringify(['feed', '1000'])).toString('base64url');
    expect(await refusal({ after: `${bumped}.${signature}` }, 'after')).toContain('not a valid cursor');
    expect(await refusal({ after: `${body}.` }, 'after')).toContain('not a valid cursor');
    const statements = await gqlData(bare.url, '{ statements(first: 1) { pageInfo { endCursor } } }');
    expect(await refusal({ after: statements.statements.pageInfo.endCursor }, 'after')).toContain('another list');
    expect(await refusal({ after: bare.app.services.cursors.encode('feed', ['-1']) }, 'after')).toContain('not a valid cursor');
  });
});
