import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/common/paths';
import { TokenService } from '../../src/auth/token.service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { REDIS_URL } from '../helpers/env';
import { gql } from '../helpers/graphql';
import { startInstance, type RunningInstance } from '../helpers/process';
import { TestSubscription, wsClient } from '../helpers/ws-client';
import { FEED_SUBSCRIPTION, RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';
import { PrismaClient } from '../../src/generated/prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';

const run = promisify(execFile);

describe('two instances started the way npm start starts them', () => {
  let db: TestDatabase;
  let a: RunningInstance;
  let b: RunningInstance;
  let token: string;

  beforeAll(async () => {
    await run(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: projectRoot });
    db = await createTestDatabase('seeded');
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `bw-test-${randomUUID()}`, SEED: 'never' };
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    token = await new TokenService(prisma).create('editor', 'EDITOR');
    await prisma.$disconnect();
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    expect(codes).toEqual([0, 0]);
  });

  it('deliver a change written through one to a feed subscriber on the other', async () => {
    const client = wsClient(b.wsUrl);
    try {
      // Subscribing after the newest cursor: even if the subscription goes live after the write, nothing is missed.
      const newest = (await gql(b.url, '{ feed(first: 1) { edges { cursor } } }')).data.feed.edges[0]?.cursor ?? null;
      const sub = new TestSubscription(client, FEED_SUBSCRIPTION, { filter: { kinds: ['POLICY_CHANGE'] }, after: newest });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const sentAt = Date.now();
      const written = await gql(a.url, RECORD_POLICY_CHANGE, { input: policyInput({ countryCode: 'FI' }) }, { authorization: `Bearer ${token}` });
      expect(written.errors).toBeUndefined();
      await sub.waitForCount(1, 5_000);
      console.log(`commit on A to delivery on B: ${Date.now() - sentAt} ms (including the HTTP round trip)`);
      expect(sub.data[0]!.feed.node.policy.id).toBe(written.data.recordPolicyChange.policy.id);
    } finally {
      await client.dispose();
    }
  });
});
