/**
 * Scenario 6: `npm start` on a fresh data directory (embedded PostgreSQL, migrations, seed) until
 * the first query is answered (the build is current, as after `npm install`: `npm start` only checks it);
 * and the same with `node dist/src/main.js` (no check).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, log, postJson, startChild, waitFor } from '../util';

export interface StartResult {
  npmStartMs: number;
  nodeMainMs: number;
  error?: string;
}

async function timeStart(command: string, args: string[]): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-bench-start-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const started = performance.now();
  const child = startChild(command, args, { name: `${command} ${args.join(' ')}`, env });
  try {
    await waitFor(
      async () => {
        const answer = await postJson(`http://127.0.0.1:${port}/graphql`, { query: '{ countries(first: 1) { totalCount } }' });
        return answer.status === 200 && answer.text.includes('"totalCount":2');
      },
      120_000,
      'the first answer',
      child,
    );
    return performance.now() - started;
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runStart(): Promise<StartResult> {
  try {
    const npmStartMs = await timeStart('npm', ['start', '--silent']);
    log(`npm start on a fresh .data: first answer after ${(npmStartMs / 1000).toFixed(1)} s`);
    const nodeMainMs = await timeStart(process.execPath, ['dist/src/main.js']);
    log(`node dist/src/main.js on a fresh .data: first answer after ${(nodeMainMs / 1000).toFixed(1)} s`);
    return { npmStartMs, nodeMainMs };
  } catch (error) {
    return { npmStartMs: NaN, nodeMainMs: NaN, error: (error as Error).message };
  }
}
