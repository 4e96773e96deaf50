import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The import-cycle rule of `npm run check:lint` (eslint.config.mjs) still fires. A rule that stops
 * working fails silently: a resolver that resolves nothing gives no-cycle no edges, an override turns
 * it off for a folder, a script stops linting a tree. The lint runs in a child process (ESLint's own
 * loading of the ESM config, as `npm run check:lint` does), with the repository's configuration.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = 'test/fixtures/lint-cycle';
/** What `npm run check:lint` covers (README, Development). */
const TREES = { src: 'src/server/context.ts', scripts: 'scripts/import.ts', test: 'test/helpers/server.ts', playground: 'playground/main.tsx', map: 'map/main.ts' };

interface LintOutput {
  results: Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string; line: number }> }>;
  configs: Record<string, unknown>;
}

/** Lints the fixtures (ignores off: the main config skips them) and reports each tree's effective no-cycle setting. */
const PROBE = `
const { ESLint } = require('eslint');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd(), ignore: false });
  const results = await eslint.lintFiles(${JSON.stringify([`${FIXTURES}/*.ts`])});
  const configs = {};
  for (const file of ${JSON.stringify(Object.values(TREES))}) {
    configs[file] = (await eslint.calculateConfigForFile(file)).rules['import-x/no-cycle'] ?? null;
  }
  process.stdout.write(JSON.stringify({ results, configs }));
})().catch((error) => { console.error(error); process.exit(1); });`;

describe('lint: import cycles', () => {
  let output: LintOutput;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', PROBE], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    output = JSON.parse(stdout) as LintOutput;
  }, 120_000);

  const cycleMessages = (file: string) =>
    output.results.find((result) => path.relative(ROOT, result.filePath) === `${FIXTURES}/${file}`)!.messages.filter((m) => m.ruleId === 'import-x/no-cycle');

  it('reports two modules that import each other, on both sides', () => {
    expect(cycleMessages('a.ts')).toEqual([expect.objectContaining({ line: 2, message: 'Dependency cycle detected' })]);
    expect(cycleMessages('b.ts')).toEqual([expect.objectContaining({ line: 2, message: 'Dependency cycle detected' })]);
  });

  it('lets a loop closed only by `import type` pass (tsc erases it)', () => {
    expect(cycleMessages('type-a.ts')).toEqual([]);
    expect(cycleMessages('type-b.ts')).toEqual([]);
    // Nothing else is wrong with the fixtures: the only findings are the cycles.
    expect(output.results.flatMap((r) => r.messages).filter((m) => m.ruleId !== 'import-x/no-cycle')).toEqual([]);
  });

  it('is an error in every tree `npm run check:lint` covers, and CI runs it', () => {
    for (const file of Object.values(TREES)) {
      // severity 2 = error; no maxDepth (a depth limit lets longer loops through), dynamic imports not exempted
      expect([file, output.configs[file]]).toEqual([file, [2, { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }]]);
    }
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['check:lint']!.split(/\s+/)).toEqual(expect.arrayContaining(['eslint', ...Object.keys(TREES)]));
    expect(scripts.check).toContain('npm run check:lint');
    expect(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm run check$/m);
  });
});
