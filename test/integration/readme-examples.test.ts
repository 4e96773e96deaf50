import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { parse, validate } from 'graphql';
import { gql } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { editorHeaders } from '../helpers/tokens';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { recordPolicyChange } from '../helpers/writes';
import { startTestServer, type TestServer } from '../helpers/server';

/** The README's examples run against the seeded data, so they cannot rot unnoticed. */
let server: TestServer;
let readme: string;

beforeAll(async () => {
  readme = await readFile(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  server = await startTestServer();
});
afterAll(() => server.stop());

const isQuery = (block: string) => !/^\s*(mutation|subscription)\b/.test(block);

function fences(language: string): string[] {
  return [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

interface CurlRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** Reads the parts of a `curl ... -H '...' -d '...'` command that make the request. */
function parseCurl(command: string): CurlRequest {
  const line = command.replace(/\\\n\s*/g, ' ');
  const url = /curl\s+(?:-\w+\s+)*(https?:\/\/\S+)/.exec(line)?.[1];
  const body = /-d\s+'([^']*)'/.exec(line)?.[1];
  if (!url || body === undefined) throw new Error(`cannot read the curl example: ${command}`);
  const headers: Record<string, string> = {};
  for (const [, header] of line.matchAll(/-H\s+'([^']*)'/g)) {
    const [name, ...value] = header!.split(':');
    headers[name!.trim().toLowerCase()] = value.join(':').trim();
  }
  return { url: new URL(url), headers, body };
}

describe('README examples', () => {
  it('has GraphQL examples to check', () => {
    expect(fences('graphql').length).toBeGreaterThanOrEqual(3);
  });

  it('writes every ```graphql example against the schema: each one parses and validates', () => {
    for (const example of fences('graphql')) {
      expect({ example, errors: validate(server.app.schema, parse(example)).map(String) }).toEqual({ example, errors: [] });
    }
  });

  it('runs every query example without errors, each top-level field answered', async () => {
    for (const example of fences('graphql').filter(isQuery)) {
      const result = await gql(server.url, example);
      expect({ example, errors: result.errors }).toEqual({ example, errors: undefined });
      expect(result.status).toBe(200);
      for (const [field, value] of Object.entries(result.data ?? {})) expect({ example, field, value }).not.toMatchObject({ value: null });
    }
  });

  it('runs every subscription example: it starts, and delivers a matching change', async () => {
    const headers = await editorHeaders(server.app);
    for (const example of fences('graphql').filter((block) => block.trimStart().startsWith('subscription'))) {
      const client = wsClient(server.app.wsUrl);
      try {
        const sub = new TestSubscription(client, example);
        await eventually(() => server.app.relay.listenerCount > 0, 5_000, 'the subscription');
        await recordPolicyChange(server.url, headers, { countryCode: 'FI', category: 'ENTRY', status: 'CLOSED', effectiveFrom: '2030-01-01' });
        await sub.waitForCount(1);
        expect({ example, errors: sub.results[0]!.errors }).toEqual({ example, errors: undefined });
      } finally {
        await client.dispose();
        // Until the server has heard of the close, the next example's wait would count this subscription.
        await eventually(() => server.app.relay.listenerCount === 0, 5_000, 'the subscription to end');
      }
    }
  });

  it('shows what the examples promise: Finland before and after 30 September 2022, Kazakhstan\'s words and figures, the feed', async () => {
    const example = (marker: string) => {
      const found = fences('graphql').find((block) => block.includes(marker));
      if (!found) throw new Error(`no README example contains ${marker}`);
      return gql(server.url, found);
    };
    const [finland, kazakhstan, feed] = await Promise.all([example('country(code: "FI")'), example('country(code: "KZ")'), example('feed(')]);
    const fi = finland!.data!.country as any;
    expect(fi.before.map((p: any) => p.category)).not.toContain('ENTRY');
    expect(fi.after.find((p: any) => p.category === 'ENTRY')).toMatchObject({ status: 'RESTRICTED' });
    expect(fi.after.every((p: any) => p.sources.length > 0)).toBe(true);
    const kz = kazakhstan!.data!.country as any;
    expect(kz.statements.edges.map((e: any) => e.node.speaker)).toContain('Kassym-Jomart Tokayev');
    expect(kz.events.edges.some((e: any) => e.node.figure?.value === 98000)).toBe(true);
    expect((feed!.data!.feed as any).edges.length).toBeGreaterThan(0);
  });

  it('shows what the passport examples promise: the nationalities, the counts and their history, Georgians admitted to Russia', async () => {
    const example = async (marker: string) => {
      const found = fences('graphql').find((block) => block.includes(marker));
      if (!found) throw new Error(`no README example contains ${marker}`);
      return (await gql(server.url, found)).data as any;
    };
    const world = await example('nationalities {');
    expect(world.nationalities.map((n: any) => n.code)).toContain('RU');
    const { visaCounts, destinations } = world.nationality;
    expect(visaCounts.total).toBe(destinations.filter((d: any) => d.visa).length);
    expect(visaCounts.counts.find((c: any) => c.visaRequirement === 'VISA_FREE').count).toBe(destinations.filter((d: any) => d.visa?.visaRequirement === 'VISA_FREE').length);
    const history = (await example('visaCountsHistory(')).nationality.visaCountsHistory;
    expect(history[0].date).toBe('2022-01-01');
    expect(history.length).toBeGreaterThan(1);
    const russia = (await example('admits(')).country;
    expect(russia.admits).toContainEqual({ code: 'GE', country: { name: 'Georgia' } });
    expect(russia.entry.find((e: any) => e.nationality.code === 'GE').visa.visaRequirement).toBe('VISA_FREE');
  });

  it('runs the curl example as written, against the port and path the README names', async () => {
    const curl = fences('sh').find((block) => block.includes('curl '));
    expect(curl).toBeDefined();
    const request = parseCurl(curl!);
    expect(request.url.pathname).toBe(new URL(server.url).pathname);
    expect(Number(request.url.port)).toBe(loadConfig({}).port);
    const response = await fetch(server.url, { method: 'POST', headers: request.headers, body: request.body });
    expect(response.status).toBe(200);
    const { data, errors } = (await response.json()) as { data: any; errors?: unknown };
    expect(errors).toBeUndefined();
    expect(data.countries.totalCount).toBeGreaterThanOrEqual(249);
    expect(data.countries.edges).toHaveLength(5);
    expect(data.countries.edges[0].node).toEqual(expect.objectContaining({ code: expect.any(String), currentPolicies: expect.any(Array) }));
  });

  it('states the page sizes the configuration uses', () => {
    const { pageSize } = loadConfig({});
    expect(readme).toContain(`\`first\` is ${pageSize.default} by`);
    expect(readme).toContain(`at most ${pageSize.max}`);
  });
});
