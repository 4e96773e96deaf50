import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { projectRoot } from '../../src/common/paths';
import { REDIS_URL } from '../helpers/env';
import { openImportHarness, SRC, type ImportHarness } from '../helpers/importer';
import { eventually } from '../helpers/ports';
import { startTestServer } from '../helpers/server';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION } from '../helpers/writes';

const CLI = path.join(projectRoot, 'dist', 'scripts', 'import.js');
const SAMPLE = path.join(projectRoot, 'prisma', 'samples', 'policies.csv');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], databaseUrl: string, seed = 'never', extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, DATABASE_URL: databaseUrl, SEED: seed, LOG_LEVEL: 'silent', ...extraEnv };
    execFile(process.execPath, [CLI, ...args], { env, cwd: projectRoot }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

let h: ImportHarness;
beforeAll(async () => {
  // The CLI is the compiled script, as `npm run import` runs it.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'ignore' });
  h = await openImportHarness('bare');
}, 180_000);
afterAll(() => h.close());

describe('npm run import', () => {
  it('imports the sample file, and leaves the database unchanged when run again (exit code 0 both times)', async () => {
    const first = await cli([SAMPLE], h.testDb.url);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created:   6 policies, 0 statements, 0 events');
    expect(first.stdout).toContain('feed items: 6');
    const before = await h.counts();

    const second = await cli([SAMPLE], h.testDb.url);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('created:   0 policies, 0 statements, 0 events');
    expect(second.stdout).toContain('unchanged: 6 policies');
    expect(second.stdout).toContain('feed items: 0');
    expect(await h.counts()).toEqual(before);
  });

  it('prints a count line per batch when not on a terminal', async () => {
    const run = await cli([SAMPLE], h.testDb.url);
    expect(run.stderr).toContain('imported 6/6 rows');
  });

  it('exits with 1 and names file, line, column and reason when rows are rejected, importing the good ones', async () => {
    const file = await h.file('mixed.csv', `countryCode,category,status,title,effectiveFrom,sourceUrl,sourceTitle\nZZ,ENTRY,OPEN,Open,2022-01-01,${SRC}\nCH,ENTRY,OPEN,Open to all,2022-01-01,${SRC}\n`);
    const run = await cli([file], h.testDb.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:2 countryCode: unknown country code "ZZ"`);
    expect(run.stdout).toContain('created:   1 policies');
  });

  it('exits with 2 and writes nothing when any file is malformed', async () => {
    const good = await h.file('good.csv', `countryCode,category,status,title,effectiveFrom,sourceUrl,sourceTitle\nAT,ENTRY,OPEN,Open,2022-01-01,${SRC}\n`);
    const bad = await h.file('bad.csv', 'countryCode,category,status,title,effectiveFrom,sourceUrl\n');
    const before = await h.counts();
    const run = await cli([good, bad], h.testDb.url);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing column sourceTitle');
    expect(run.stderr).toContain('nothing was imported');
    expect(await h.counts()).toEqual(before);
  });

  it('exits with 2 on a bad command line', async () => {
    const run = await cli(['--frobnicate'], h.testDb.url);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run import');
  });

  it('reports a dry run without writing', async () => {
    const file = await h.file('dry.csv', `countryCode,category,status,title,effectiveFrom,sourceUrl,sourceTitle\nBE,ENTRY,OPEN,Open,2022-01-01,${SRC}\n`);
    const before = await h.counts();
    const run = await cli([file, '--dry-run'], h.testDb.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run (nothing written)');
    expect(run.stdout).toContain('created:   1 policies');
    expect(await h.counts()).toEqual(before);
  });
});

describe('npm run import next to running servers', () => {
  it('announces its feed items on Redis: a live subscriber gets them at once, not at the next poll', async () => {
    const redis = { REDIS_URL, REDIS_PREFIX: `bw-test-${randomUUID()}` };
    // An hour between polls: only a notice on Redis can bring the items in time.
    const server = await startTestServer({ database: h.testDb, env: { ...redis, FEED_POLL_MS: '3600000' } });
    const client = wsClient(server.app.wsUrl);
    try {
      const sub = new TestSubscription(client, FEED_SUBSCRIPTION, { filter: { countryCodes: ['IS'] } });
      await eventually(() => server.app.relay.listenerCount === 1, 10_000, 'the subscription');
      const file = await h.file('iceland.csv', [
        'countryCode,category,status,title,effectiveFrom,sourceUrl,sourceTitle',
        `IS,ENTRY,OPEN,Open,2020-01-01,${SRC}`,
        `IS,ENTRY,RESTRICTED,Schengen visas only,2022-09-01,${SRC}`,
        `IS,ENTRY,CLOSED,Closed,2022-10-01,${SRC}`,
      ].join('\n'));
      const run = await cli([file], h.testDb.url, 'never', redis);
      expect(run.code).toBe(0);
      await sub.waitForCount(3, 15_000);
      expect(sub.data.map((d) => d.feed.node.policy.title)).toEqual(['Open', 'Schengen visas only', 'Closed']);
    } finally {
      await client.dispose();
      await server.stop();
    }
  });
});

describe('npm run import of a large file', () => {
  let large: ImportHarness;
  beforeAll(async () => {
    large = await openImportHarness('bare');
  });
  afterAll(() => large.close());

  it('takes the bulk path from 10,000 rows (one transaction, not a line per batch), and a second run changes nothing', async () => {
    const codes = large.services.catalog.all().map((country) => country.code).filter((code) => code !== 'UA');
    const lines = ['countryCode,nationality,category,status,visaRequirement,maxStayDays,title,effectiveFrom,sourceUrl,sourceTitle'];
    for (let i = 0; i < 10_000; i += 1) {
      const step = Math.floor(i / codes.length);
      const free = step % 2 === 0;
      const day = new Date(Date.UTC(2000, 0, 1 + step * 7)).toISOString().slice(0, 10);
      lines.push([codes[i % codes.length], 'UA', 'VISA', free ? 'OPEN' : 'CONDITIONAL', free ? 'VISA_FREE' : 'VISA_REQUIRED', free ? 90 : '', free ? 'Visa-free for 90 days' : 'Visa required', day, `https://example.org/large/${i}`, `Large ${i}`].join(','));
    }
    const file = await large.file('large.csv', `${lines.join('\n')}\n`);
    const first = await cli([file], large.testDb.url);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created:   10000 policies, 0 statements, 0 events');
    expect(first.stdout).toContain('feed items: 10000');
    // The batch importer reports as its batches commit (a line a second at most: seconds of them for 10,000
    // rows); the bulk path only before and after its one transaction.
    const counts = [...first.stderr.matchAll(/imported (\d+)\/10000 rows/g)].map((match) => Number(match[1]));
    expect(counts).toEqual([0, 10_000]);
    const before = await large.counts();
    const second = await cli([file], large.testDb.url);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('unchanged: 10000 policies');
    expect(second.stdout).toContain('feed items: 0');
    expect(await large.counts()).toEqual(before);
  }, 120_000);
});
