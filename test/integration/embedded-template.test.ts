import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrationsDir, seedDir } from '../../src/common/paths';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { seededTemplateIsCurrent, templateKey } from '../../src/db/embedded-template';

/**
 * Issue 13 item 4: a fresh embedded data directory starts as a copy of the
 * build's seeded template (made current by the tests' global setup, as by the
 * build), every passport loaded, with an identity of its own; a template made
 * from other migrations or seed files is stale.
 */
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshStart(): Promise<{ deployment: string; policies: number; nationalities: number; feed: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bw-template-'));
  dirs.push(dir);
  const embedded = await startEmbeddedPostgres(dir);
  const client = new Client({ connectionString: embedded.url });
  try {
    await client.connect();
    const { rows } = await client.query<{ deployment: string; policies: string; nationalities: string; feed: string }>(`
      SELECT (SELECT id::text FROM deployment) AS deployment, (SELECT count(*) FROM policy) AS policies,
             (SELECT count(DISTINCT nationality) FROM policy) AS nationalities, (SELECT count(*) FROM feed_entry) AS feed`);
    const row = rows[0]!;
    return { deployment: row.deployment, policies: Number(row.policies), nationalities: Number(row.nationalities), feed: Number(row.feed) };
  } finally {
    await client.end();
    await embedded.stop();
  }
}

describe('the seeded embedded template', () => {
  it('is current for this checkout, and a fresh data directory starts from it with every passport and an identity of its own', async () => {
    expect(await seededTemplateIsCurrent()).toBe(true);
    const first = await freshStart();
    expect(first.policies).toBeGreaterThan(98_148);
    expect(first.nationalities).toBe(199);
    expect(first.feed).toBeGreaterThan(first.policies);
    const second = await freshStart();
    expect(second.deployment).not.toBe(first.deployment);
  }, 120_000);

  it('is stale once a seed file or a migration changes', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'bw-template-key-'));
    dirs.push(copy);
    const copied = { migrations: path.join(copy, 'migrations'), seed: path.join(copy, 'seed') };
    await cp(migrationsDir, copied.migrations, { recursive: true });
    await cp(seedDir, copied.seed, { recursive: true });
    const key = await templateKey();
    expect(await templateKey(copied)).toBe(key);
    await appendFile(path.join(copied.seed, 'story.json'), '\n');
    expect(await templateKey(copied)).not.toBe(key);
    await cp(path.join(seedDir, 'story.json'), path.join(copied.seed, 'story.json'));
    await appendFile(path.join(copied.migrations, 'migration_lock.toml'), '\n');
    expect(await templateKey(copied)).not.toBe(key);
  });
});
