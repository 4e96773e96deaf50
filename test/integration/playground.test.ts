import { EXAMPLES } from '../../src/playground/examples';
import { errorCode, gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { recordPolicyChange } from '../helpers/writes';

/** The playground page over plain HTTP, and its example operations against the seeded data. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function example(name: string) {
  const found = EXAMPLES.find((e) => e.name === name);
  if (!found) throw new Error(`no example ${name}`);
  return { query: found.query, variables: found.variables ? JSON.parse(found.variables) : undefined };
}

describe('GET /graphql from a browser', () => {
  it('serves the playground page, which loads everything from this host under a same-host security policy', async () => {
    const response = await fetch(server.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const assets = [...html.matchAll(/(?:src|href)="(\/playground\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const served = await fetch(new URL(asset, server.url));
      expect({ asset, status: served.status }).toEqual({ asset, status: 200 });
      expect(served.headers.get('cache-control')).toContain('immutable');
      expect(served.headers.get('content-encoding')).toBe('gzip');
    }
  });

  it('tells caches that the page and the API share the URL', async () => {
    const page = await fetch(server.url, { headers: { accept: BROWSER_ACCEPT } });
    const api = await fetch(`${server.url}?query=${encodeURIComponent('{ countries(first: 1) { totalCount } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(page.headers.get('vary')).toMatch(/accept/i);
    expect(api.headers.get('vary')).toMatch(/accept/i);
    expect(api.headers.get('cache-control')).toBe('max-age=30, public');
  });

  it('leaves every other GET to Apollo: an API client asking for JSON gets GraphQL, not the page', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers 404 for an asset that does not exist', async () => {
    const response = await fetch(new URL('/playground/nothing-here.js', server.url));
    expect(response.status).toBe(404);
  });
});

describe('the playground\'s example operations', () => {
  it('has the examples a newcomer needs: countries now, one country\'s history, the feed, the live feed', () => {
    expect(EXAMPLES.map((e) => e.name)).toEqual(expect.arrayContaining(['CountriesNow', 'FinlandHistory', 'LatestNews', 'LiveFeed']));
  });

  it.each(EXAMPLES.filter((e) => /^\s*(#.*\n\s*)*query /.test(e.query)).map((e) => e.name))('%s runs against the seeded data without errors', async (name) => {
    const { query, variables } = example(name);
    const result = await gql(server.url, query, variables);
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data ?? {}).every((value) => value !== null)).toBe(true);
  });

  it('FinlandHistory shows Finland before and after its 30 September 2022 restriction', async () => {
    const { query, variables } = example('FinlandHistory');
    const { data } = await gql(server.url, query, variables);
    expect(data.country.before.map((p: any) => p.category)).not.toContain('ENTRY');
    expect(data.country.after.find((p: any) => p.category === 'ENTRY')).toMatchObject({ status: 'RESTRICTED' });
  });

  it('Passports shows the counts for Russian passports and the Georgians Russia admits visa-free from 15 May 2023', async () => {
    const { query, variables } = example('Passports');
    const { data } = await gql(server.url, query, variables);
    expect(data.nationalities.map((n: any) => n.code)).toContain('RU');
    expect(data.nationality.visaCounts.total).toBeGreaterThan(190);
    expect(data.nationality.visaCountsHistory[0].date).toBe('2022-01-01');
    expect(data.country.admits).toContainEqual({ code: 'GE', country: { name: 'Georgia' } });
  });

  it('LiveFeed delivers a change recorded over HTTP', async () => {
    const client = wsClient(server.app.wsUrl);
    try {
      const sub = new TestSubscription(client, example('LiveFeed').query);
      const before = server.app.relay.listenerCount;
      for (let i = 0; i < 250 && server.app.relay.listenerCount <= before; i += 1) await new Promise((r) => setTimeout(r, 20));
      const written = await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'LV', title: 'Live example item' });
      expect(written.errors).toBeUndefined();
      await sub.waitForCount(1);
      expect(sub.data[0].feed.node.policy).toMatchObject({ title: 'Live example item', country: { name: 'Latvia' } });
    } finally {
      await client.dispose();
    }
  });

  it('RecordPolicyChange is refused without a token and recorded with one pasted in the headers', async () => {
    const { query, variables } = example('RecordPolicyChange');
    expect(errorCode(await gql(server.url, query, variables))).toBe('UNAUTHENTICATED');
    const recorded = await gql(server.url, query, variables, await editorHeaders(server.app));
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data.recordPolicyChange.policy.title).toBe('Describe the new policy');
  });
});
