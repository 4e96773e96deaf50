import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts|cts|mjs|cjs)$/.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith(path.join('src', 'generated')) && !file.includes('node_modules'));
}

/** Files under the code directories whose text matches `pattern`. */
function filesMatching(pattern: RegExp): string[] {
  return ['src', 'scripts', 'playground', 'map'].flatMap(sources).filter((file) => pattern.test(readFileSync(path.join(ROOT, file), 'utf8')));
}

/** One rule, one place (issue 12): a second copy of any of these is a rule that can drift. */
describe('rules written once', () => {
  it('the default nationality is one constant', () => {
    // Descriptions may still show it as an example ("e.g. \"RU\""), and the playground's example
    // tabs use it in their variables: that is not a rule.
    const examples = path.join('src', 'playground', 'examples.ts');
    expect(filesMatching(/(?<!e\.g\. )['"`]RU['"`]/).filter((file) => file !== examples)).toEqual([path.join('src', 'common', 'nationality.ts')]);
  });

  it('the country-code pattern is one constant', () => {
    expect(filesMatching(/\[A-Z\]\{2\}/)).toEqual([path.join('src', 'common', 'country-code.ts')]);
  });

  it('advisory-lock keys are built in src/db/locks.ts only', () => {
    expect(filesMatching(/pg_advisory[a-z_]*\(\s*(?!\$1)/)).toEqual([path.join('src', 'db', 'locks.ts')]);
    expect(filesMatching(/\b(policy|statement|event):\$\{/)).toEqual([path.join('src', 'db', 'locks.ts')]);
  });
});
