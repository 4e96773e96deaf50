import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTrustedDocuments } from '../../src/server/trusted-documents';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * The README's section for frontend developers, run as written: each ```js
 * block is saved as an ES module and run by Node (with the browser's fetch
 * and WebSocket), its URLs pointed at a test server.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'test-output', 'readme-examples');
let server: TestServer;
let section: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## For frontend developers');
  const end = readme.indexOf('\n## ', start + 1);
  if (start < 0) throw new Error('README has no "## For frontend developers" section');
  section = readme.slice(start, end < 0 ? undefined : end);
  await mkdir(WORK, { recursive: true });
  server = await startTestServer();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.stop();
});

function blocks(language: string): string[] {
  return [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

function block(marker: string): string {
  const found = blocks('js').find((code) => code.includes(marker));
  if (!found) throw new Error(`no js example in the frontend section contains ${marker}`);
  return found;
}

/** The README's URLs name the default port; the test server has its own. */
function pointedAtServer(text: string): string {
  const { host } = new URL(server.url);
  return text.replaceAll('http://localhost:4000', `http://${host}`).replaceAll('ws://localhost:4000', `ws://${host}`);
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** Runs one example in its own Node process, as `node example.mjs` would. */
async function run(name: string, code: string): Promise<Run> {
  const file = path.join(WORK, `${name}.mjs`);
  await writeFile(file, pointedAtServer(code));
  // Node 20 has the browser's WebSocket behind a flag; from Node 22 on it is always there.
  const flags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket', '--no-warnings'] : [];
  const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
  const child = spawn(process.execPath, [...flags, file], { cwd: WORK, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exit.then(() => children.delete(child));
  return { child, output: () => output, exit };
}

/** Runs an example to its end; fails with its output if it does not exit 0. */
async function runToEnd(name: string, code: string): Promise<string> {
  const example = await run(name, code);
  const timer = setTimeout(() => example.child.kill('SIGKILL'), 30_000);
  const status = await example.exit;
  clearTimeout(timer);
  expect({ name, status, output: example.output() }).toMatchObject({ status: 0 });
  return example.output();
}

async function closedCountries(first: number): Promise<string[]> {
  const { countries } = await gqlData(server.url, `{ countries(first: ${first}, filter: { status: CLOSED }) { edges { node { name } } } }`);
  return countries.edges.map((edge: any) => edge.node.name);
}

describe('README: for frontend developers', () => {
  it('has examples for querying, paginating, subscribing with a resume cursor, persisted queries and the feeds', () => {
    expect(blocks('js').length).toBeGreaterThanOrEqual(4);
    for (const marker of ["method: 'POST'", 'pageInfo.endCursor', "from 'graphql-ws'", 'FEED_LAGGING', 'resumeAfter', 'persistedQuery']) {
      expect(section).toContain(marker);
    }
  });

  it('the query example prints the countries whose borders are closed', async () => {
    const output = await runToEnd('query', block('variables: { first: 10 }'));
    expect(output).toContain('Finland');
    for (const name of await closedCountries(10)) expect(output).toContain(name);
  }, 60_000);

  it('the refetch example fetches a country and a policy again by their node ids', async () => {
    const output = await runToEnd('refetch', block('nodes(ids: $ids)'));
    const { country } = await gqlData(server.url, '{ country(code: "FI") { currentPolicies { id title } } }');
    const policy = country.currentPolicies[0];
    expect(output.trim().split('\n')).toEqual(['Country Country:FI Finland', `Policy ${policy.id} ${policy.title}`]);
  }, 60_000);

  it('the pagination example walks the whole Finland feed', async () => {
    const output = await runToEnd('paginate', block('pageInfo.endCursor'));
    const { feed } = await gqlData(server.url, '{ feed(first: 0, filter: { countryCodes: ["FI"] }) { totalCount } }');
    expect(feed.totalCount).toBeGreaterThan(5); // more than one page
    expect(output.trim()).toBe(`${feed.totalCount} items about Finland`);
  }, 60_000);

  it('the subscription example starts after the newest item and prints a change as it is recorded', async () => {
    const listening = server.app.relay.listenerCount;
    const example = await run('subscribe', block("from 'graphql-ws'"));
    try {
      await eventually(() => server.app.relay.listenerCount > listening || example.child.exitCode !== null, 30_000, 'the example to subscribe');
      expect({ exited: example.child.exitCode, output: example.output() }).toEqual({ exited: null, output: '' });
      const title = `README live item ${Date.now()}`;
      const written = await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'EE', title });
      expect(written.errors).toBeUndefined();
      await eventually(() => example.output().includes(title), 30_000, 'the example to print the new item');
      expect(example.output().trim().split('\n')).toEqual([`POLICY_CHANGE ${title}`]);
    } finally {
      example.child.kill('SIGTERM');
      await example.exit;
    }
  }, 90_000);

  it("the two-maps example prints a passport's counts and who may enter a country, as the API gives them", async () => {
    const output = await runToEnd('two-maps', block('PASSPORT_MAP'));
    const date = '2023-06-01';
    const summary = (counts: any[]) => counts.filter((c) => c.count > 0).map((c) => `${c.visaRequirement} ${c.count}`).join(', ');
    const { nationality, country } = await gqlData(
      server.url,
      `{ nationality(code: "RU") { destinations(date: "${date}") { country { code } visa { visaRequirement } } visaCounts(date: "${date}") { counts { visaRequirement count } } }
         country(code: "RU") { entry(date: "${date}") { nationality { code } } entryCounts(date: "${date}") { counts { visaRequirement count } } } }`,
    );
    expect(output.trim().split('\n')).toEqual([
      `Georgia: ${nationality.destinations.find((d: any) => d.country.code === 'GE').visa.visaRequirement}; Georgians in Russia: VISA_FREE`,
      `Russian Federation passports, ${nationality.destinations.length} destinations: ${summary(nationality.visaCounts.counts)}`,
      `Entering Russian Federation, ${country.entry.length} nationalities: ${summary(country.entryCounts.counts)}`,
    ]);
  }, 60_000);

  it('the persisted-query example gets its answer by hash over GET, sending the text only the first time', async () => {
    const code = block('persistedQuery');
    const expected = await closedCountries(3);
    expect(expected.length).toBeGreaterThan(0);
    for (const attempt of ['first', 'second']) {
      const output = await runToEnd(`persisted-${attempt}`, code);
      for (const name of expected) expect(output).toContain(`'${name}'`);
    }
    // The server now knows the text: its hash alone is answered.
    const query = /const query = '([^']+)';/.exec(code)![1]!;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const byHash = await fetch(`${server.url}?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery }))}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(((await byHash.json()) as any).data.countries.edges.length).toBe(expected.length);
  }, 60_000);

  it('the trusted-documents example writes a manifest the server accepts, whose id alone runs the operation', async () => {
    const output = await runToEnd('trusted-manifest', block('JSON.stringify({ [documentId]: query })'));
    const file = path.join(WORK, 'persisted-documents.json');
    await writeFile(file, output);
    const trusted = await loadTrustedDocuments(file, true);
    const [[documentId, query]] = Object.entries(JSON.parse(output) as Record<string, string>);
    expect(trusted.admit({ documentId })).toBe(query);
    expect(trusted.admit({ query: '{ __typename }' })).toBeInstanceOf(Error);
  }, 60_000);

  it('the feed URLs answer with Atom and JSON Feed', async () => {
    const urls = blocks('sh').flatMap((code) => [...code.matchAll(/curl -s '([^']+)'/g)].map((match) => match[1]!));
    expect(urls.map((url) => new URL(url).pathname)).toEqual(['/feed.atom', '/feed.json']);
    for (const url of urls) {
      const response = await fetch(pointedAtServer(url));
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/^application\/(atom\+xml|feed\+json)/);
    }
  });
});
