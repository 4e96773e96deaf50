import type { Invariant, RunData } from './invariants';
import { FAULTS } from './faults';
import { SUITE_ENV } from './deployment';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The invariants table, the hostile clients' table and the evidence of every failure, in markdown. */
export function renderMode(run: RunData, invariants: readonly Invariant[]): string {
  const lines: string[] = [];
  const env = Object.entries({ ...SUITE_ENV, ...extraEnv(run) }).map(([k, v]) => `${k}=${v}`).join(' ');
  lines.push(`### ${run.mode} — ${run.durationS} s, seed ${run.seed}`);
  lines.push('');
  lines.push(
    run.mode === 'embedded'
      ? `One instance (\`node dist/src/main.js\`, embedded PGlite in a fresh DATA_DIR; ${env}). No fault: the instance is the whole deployment.`
      : `Two instances on a private PostgreSQL and a private redis-server (${env}). Faults: ${FAULTS.map((f) => f.describe).join('; ')}.`,
  );
  if (run.faults.length) lines.push('', `Faults in this run: ${run.faults.join('; ')}.`);
  lines.push('');
  lines.push('| invariant | result | figure |');
  lines.push('|---|---|---|');
  for (const inv of invariants) lines.push(`| ${cell(inv.name)} | ${inv.held ? 'held' : '**FAILED**'} | ${cell(inv.figure)} |`);
  lines.push('');
  lines.push('| hostile client | what it does | actions | what it got | undocumented |');
  lines.push('|---|---|--:|---|--:|');
  for (const h of run.hostile) lines.push(`| ${h.name} | ${cell(h.what)} | ${h.actions} | ${cell(h.outcomes.toString(8))}${h.notes.length ? `; ${cell(h.notes.join('; '))}` : ''} | ${h.undocumented.count} |`);
  const failed = invariants.filter((inv) => !inv.held && inv.evidence.length);
  if (failed.length) {
    lines.push('');
    lines.push('Evidence:');
    for (const inv of failed) {
      lines.push(`- ${inv.name}:`);
      for (const e of inv.evidence) lines.push(`  - ${e.replace(/\n/g, '\n    ')}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

function extraEnv(run: RunData): Record<string, string> {
  const env = { ...run.deployment.env };
  for (const key of ['HOST', 'LOG_LEVEL', 'DATA_DIR', 'DATABASE_URL', 'REDIS_URL']) delete env[key];
  return env;
}
