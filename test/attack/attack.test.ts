import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/common/paths';
import type { Mode } from './deployment';
import { renderMode } from './report';
import { runMode } from './scenario';

/**
 * The attack suite's short form (issue 11), as `npm run attack` runs it: each mode for a minute
 * (ATTACK_DURATION_S), hostile clients and faults against real instances while honest clients
 * work, and every invariant must hold. The seed is fixed (ATTACK_SEED to change it) so that a
 * failure can be replayed with `npm run attack -- --mode <mode> --seed <seed>`.
 */
const DURATION_S = Number(process.env.ATTACK_DURATION_S ?? 60);
const SEED = Number(process.env.ATTACK_SEED ?? 11);
/** Start-up (a private PostgreSQL's initdb, two instances), catch-up and shutdown around the run itself. */
const OVERHEAD_S = 180;

const run = promisify(execFile);

// The instances are `node dist/src/main.js` and the token `dist/scripts/token.js`: compiled first, as other process tests do.
beforeAll(async () => {
  await run(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: projectRoot });
}, 240_000);

describe.each<Mode>(['embedded', 'cluster'])('the attack suite, %s', (mode) => {
  it(
    'holds every invariant while hostile clients and faults hit real instances',
    async () => {
      const { run: result, invariants } = await runMode(mode, { durationS: DURATION_S, seed: SEED, log: () => undefined });
      console.log(renderMode(result, invariants));
      const failed = invariants.filter((inv) => !inv.held).map((inv) => [`${inv.name}: ${inv.figure}`, ...inv.evidence.map((e) => `  ${e}`)].join('\n'));
      expect(failed).toEqual([]);
    },
    (DURATION_S + OVERHEAD_S) * 1000,
  );
});
