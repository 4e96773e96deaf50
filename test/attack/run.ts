/**
 * `npm run attack`: the attack suite of issue 11. Real instances (embedded, and two on a private
 * PostgreSQL and Redis), honest clients throughout, hostile clients and faults in the middle;
 * prints the invariants table per mode and exits 1 when any invariant failed.
 *
 *   npm run attack                                   both modes, 60 s each
 *   npm run attack -- --duration 600 --mode cluster  a longer run of one mode
 *   npm run attack -- --seed 42                      replay a run's choices
 *   npm run attack -- --hostile replay-storm,redis-forgery   only these hostile clients (none: honest only)
 *   npm run attack -- --env RESPONSE_CACHE_MB=0      a setting added to every instance
 *   npm run attack -- --logs /tmp/attack-logs         keep each instance's output
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Deployment, type Mode } from './deployment';
import { HOSTILES } from './hostile/index';
import { renderMode } from './report';
import { runMode } from './scenario';

const USAGE = 'usage: npm run attack -- [--duration <s>] [--mode embedded|cluster|both] [--seed <n>] [--hostile <name,...>] [--env KEY=VALUE]... [--logs <dir>]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      mode: { type: 'string', default: 'both' },
      seed: { type: 'string' },
      hostile: { type: 'string' },
      env: { type: 'string', multiple: true },
      logs: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(`${USAGE}\nhostile clients: ${HOSTILES.map((h) => h.name).join(', ')}`);
    return 0;
  }
  const durationS = Number(values.duration);
  const modes: Mode[] = values.mode === 'both' ? ['embedded', 'cluster'] : [values.mode as Mode];
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const hostiles = values.hostile === 'none' ? [] : values.hostile?.split(',').map((name) => name.trim());
  const unknown = hostiles?.filter((name) => !HOSTILES.some((h) => h.name === name)) ?? [];
  const env = Object.fromEntries((values.env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  if (!Number.isFinite(durationS) || durationS < 20 || !modes.every((m) => m === 'embedded' || m === 'cluster') || !Number.isInteger(seed) || unknown.length) {
    console.error(`${USAGE}\n(--duration is at least 20; hostile clients: ${HOSTILES.map((h) => h.name).join(', ')})`);
    return 2;
  }
  let failed = 0;
  console.log(`## Attack suite: ${modes.join(' and ')}, ${durationS} s each, seed ${seed}\n`);
  for (const mode of modes) {
    const { run, invariants } = await runMode(mode, { durationS, seed, ...(hostiles ? { hostiles } : {}), env, ...(values.logs ? { logDir: values.logs } : {}) });
    console.log(renderMode(run, invariants));
    failed += invariants.filter((inv) => !inv.held).length;
  }
  console.log(failed ? `${failed} invariant(s) FAILED` : 'Every invariant held.');
  return failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: stopping the instances and private servers\n`);
    void Promise.all([...Deployment.active].map((d) => d.destroy())).finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
