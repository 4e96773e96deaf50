import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { launchGuardedBrowser, outputPath } from '../helpers/browser';
import { gql, gqlData } from '../helpers/graphql';
import { PlaygroundPage } from '../helpers/playground-page';
import { RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

/**
 * `npm ci && npm start` on a fresh machine: no DATABASE_URL, no REDIS_URL, an
 * empty data directory. The project is copied to a temporary directory (its
 * sources and installed dependencies, no build output, no generated client,
 * no data) and built there, the way a fresh clone is, so the build neither
 * races the other test files nor depends on what is left in dist/.
 */
const PROJECT = path.resolve(__dirname, '..', '..');
const COPIED = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'prisma.config.ts', 'prisma', 'scripts', 'src', 'schema', 'playground', 'map'];
const START_LIMIT_MS = 60_000;

let work: string;
const children = new Set<ChildProcess>();

/** Only what any shell has: the start itself must need no configuration. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? work, ...extra };
}

/** Runs a command in the copy; resolves with what it printed on stdout. */
function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: work, env: bareEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

interface Started {
  child: ChildProcess;
  url: string;
  ms: number;
  output: () => string;
}

/** `node dist/src/main.js`, resolved with the URL it prints once it listens. */
function start(): Promise<Started> {
  const began = Date.now();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: work,
    env: bareEnv({ PORT: '0', DATA_DIR: path.join(work, '.data') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within ${START_LIMIT_MS} ms:\n${output}`)), START_LIMIT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Borderwatch GraphQL: (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, ms: Date.now() - began, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'borderwatch-start-'));
  const generated = path.join(PROJECT, 'src', 'generated');
  for (const entry of COPIED) {
    await cp(path.join(PROJECT, entry), path.join(work, entry), { recursive: true, filter: (source) => !source.startsWith(generated) });
  }
  await symlink(path.join(PROJECT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  // The build seeds the embedded database once (every passport's history): a minute or two of it.
  await run('npm', ['run', 'build'], 540_000);
}, 600_000);

afterAll(async () => {
  await Promise.all([...children].map((child) => stop(child)));
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

const COUNTRIES = '{ countries(first: 5) { totalCount edges { node { code name currentPolicies { status } } } } }';
const KAZAKHSTAN = `{ country(code: "KZ") {
  name
  statements(first: 20) { totalCount edges { node { speaker speakerRole saidAt text sources { url } } } }
  events(first: 20) { totalCount edges { node { title occurredOn figure { value unit qualifier } countries { code } } } }
} }`;

describe('zero-configuration start', () => {
  let firstRun: { countries: number; feed: number };

  it('starts on an empty embedded database within 60 s, answers the issue\'s queries with the seeded facts, and exits 0 on SIGTERM', async () => {
    const server = await start();
    expect(server.ms).toBeLessThan(START_LIMIT_MS);
    console.log(`fresh start to listening: ${server.ms} ms`);
    expect(server.url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);

    const { countries } = await gqlData(server.url, COUNTRIES);
    expect(countries.totalCount).toBeGreaterThanOrEqual(249);
    expect(countries.edges).toHaveLength(5);
    for (const edge of countries.edges) expect(edge.node).toEqual({ code: expect.stringMatching(/^[A-Z]{2}$/), name: expect.any(String), currentPolicies: expect.any(Array) });

    const { country } = await gqlData(server.url, KAZAKHSTAN);
    expect(country.name).toBe('Kazakhstan');
    const tokayev = country.statements.edges.map((e: any) => e.node).find((s: any) => s.speaker === 'Kassym-Jomart Tokayev');
    expect(tokayev).toMatchObject({ speakerRole: 'President of Kazakhstan', saidAt: '2022-09-27T00:00:00.000Z' });
    expect(tokayev.sources.length).toBeGreaterThan(0);
    const figures = country.events.edges.map((e: any) => e.node.figure?.value);
    expect(figures).toEqual(expect.arrayContaining([98000, 200000, 100000]));

    // The playground was bundled by the build and is served by the instance itself.
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const script = /src="(\/playground\/main-[^"]+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    expect((await fetch(new URL(script!, server.url))).status).toBe(200);
    expect((await fetch(new URL('/feed.atom?country=FI', server.url))).status).toBe(200);

    const finland = await gqlData(server.url, '{ country(code: "FI") { currentPolicies(category: ENTRY) { status } } feed(first: 0) { totalCount } }');
    expect(finland.country.currentPolicies).toEqual([{ status: 'CLOSED' }]);
    firstRun = { countries: countries.totalCount, feed: finland.feed.totalCount };
    // Every passport is loaded, its history in the feed: Ukrainians in Germany, visa-free for 90 days in 2024.
    const ukrainians = await gqlData(server.url, '{ country(code: "DE") { policiesAt(date: "2024-01-01", category: VISA, nationality: "UA") { visaRequirement maxStayDays } } }');
    expect(ukrainians.country.policiesAt).toEqual([{ visaRequirement: 'VISA_FREE', maxStayDays: 90 }]);
    expect(finland.feed.totalCount).toBeGreaterThan(98_148);

    expect(await stop(server.child)).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('starts again on the data it kept, without seeding twice', async () => {
    expect(firstRun).toBeDefined();
    const server = await start();
    const data = await gqlData(server.url, '{ countries(first: 0) { totalCount } feed(first: 0) { totalCount } }');
    expect({ countries: data.countries.totalCount, feed: data.feed.totalCount }).toEqual(firstRun);
    expect(await stop(server.child)).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('opened in headless Chromium with every other host blocked, shows the playground, runs the example query and receives a live item', async () => {
    // An editor's token, made the documented way while the instance is stopped (the embedded database has one user).
    const created = await run('node', ['dist/scripts/token.js', 'create', '--name', 'playground-check'], 60_000);
    const token = created.trim().split('\n').pop()!;
    const server = await start();
    const browser = await launchGuardedBrowser();
    try {
      const playground = new PlaygroundPage(await browser.context.newPage());
      await playground.open(server.url);
      await playground.openTab('CountriesNow');
      await playground.run();
      await playground.waitForResponse('"name": "Finland"');

      // Live from the newest item on: typed into the variables, so nothing committed meanwhile is missed.
      const { feed } = await gqlData(server.url, '{ feed(first: 1) { edges { cursor } } }');
      await playground.openTab('LiveFeed');
      await playground.setVariables(JSON.stringify({ after: feed.edges[0].cursor }));
      const subscribed = playground.page.waitForEvent('websocket').then((ws) => ws.waitForEvent('framesent', (frame) => String(frame.payload).includes('"subscribe"')));
      await playground.run();
      await subscribed;
      const title = `Fresh start live item ${Date.now()}`;
      const written = await gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'LT', title }) }, { authorization: `Bearer ${token}` });
      expect(written.errors).toBeUndefined();
      await playground.waitForResponse(title);
      await playground.page.screenshot({ path: await outputPath('fresh-start-playground.png') });

      expect(playground.problems).toEqual([]);
      expect(browser.outside).toEqual([]);
    } finally {
      await browser.close();
      expect(await stop(server.child)).toEqual({ code: 0, signal: null });
    }
  }, 180_000);
});
