import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { projectRoot } from '../../src/common/paths';
import { startApp, type App } from '../../src/server/app';
import { errorCode, gql } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { RECORD_POLICY_CHANGE, policyInput } from '../helpers/writes';

const run = promisify(execFile);
const TOKEN_JS = path.join(projectRoot, 'dist', 'scripts', 'token.js');

/** `npm run token -- …` without npm's own banner: the compiled script it runs. */
async function token(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TOKEN_JS, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastLine = (text: string) => text.trim().split('\n').pop()!;

// Compiles dist only: `npm run build` would also regenerate src/generated, which other test files are reading.
beforeAll(async () => {
  await run(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: projectRoot });
}, 120_000);

describe('npm run token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ template: 'bare' });
  });
  afterAll(() => server.stop());

  it('creates a token printed alone on the last line, which works until it is revoked', async () => {
    const env = { DATABASE_URL: server.db.url };
    const created = await token(['create', '--name', 'dana', '--role', 'editor'], env);
    expect(created.code).toBe(0);
    const secret = lastLine(created.stdout);
    expect(secret).toMatch(/^bw_[\w-]{43}$/);
    const write = () => gql(server.url, RECORD_POLICY_CHANGE, { input: policyInput() }, { authorization: `Bearer ${secret}` });
    expect((await write()).errors).toBeUndefined();

    const listed = await token(['list'], env);
    expect(listed.stdout).toContain('dana\teditor');
    expect(listed.stdout).not.toContain(secret);

    const revoked = await token(['revoke', 'dana'], env);
    expect(revoked.code).toBe(0);
    expect(errorCode(await write())).toBe('UNAUTHENTICATED');
  });

  it('explains bad usage and exits non-zero', async () => {
    const env = { DATABASE_URL: server.db.url };
    const noName = await token(['create', '--role', 'editor'], env);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--name');
    const badRole = await token(['create', '--name', 'eve', '--role', 'admin'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('unknown role');
    const unknown = await token(['revoke', 'nobody'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nobody');
  });
});

describe('npm run token next to a running embedded instance', () => {
  let app: App;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bw-embedded-'));
    const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    app = await startApp(config, pino({ level: 'silent' }));
  }, 120_000);
  afterAll(async () => {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the running instance\'s database instead of opening its files a second time', async () => {
    const created = await token(['create', '--name', 'frank', '--role', 'editor'], { DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    const result = await gql(app.url, RECORD_POLICY_CHANGE, { input: policyInput() }, { authorization: `Bearer ${lastLine(created.stdout)}` });
    expect(result.errors).toBeUndefined();
  });
});
