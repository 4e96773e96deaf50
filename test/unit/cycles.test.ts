import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run check:cycles` (madge) finds the cycles import-x/no-cycle leaves out: `import type` is erased
 * by tsc, so ESLint does not follow it, yet two modules that name each other's types are still one
 * layer (issue 12: batch-state.ts ↔ natural-keys.ts). Run with the script's own flags on the lint
 * fixtures, one cycle of values and one of types only.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('check:cycles', () => {
  it('is part of npm run check', () => {
    expect(scripts.check).toContain('npm run check:cycles');
  });

  it('reports a cycle made of `import type` alone, and fails', () => {
    const flags = scripts['check:cycles']!.split(' ').slice(1).filter((arg) => !/^(src|scripts|test|playground|map)$/.test(arg));
    const exclude = flags.indexOf('--exclude');
    flags.splice(exclude, 2);
    const run = spawnSync(path.join(ROOT, 'node_modules/.bin/madge'), [...flags, 'test/fixtures/lint-cycle'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout).toContain('type-a.ts > type-b.ts');
    expect(run.stdout).toContain('a.ts > b.ts');
    expect(run.status).not.toBe(0);
  }, 60_000);
});
