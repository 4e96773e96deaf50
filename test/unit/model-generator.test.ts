import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PolicyTable } from '../../src/generated/model';
import { POLICY_FIELDS } from '../../src/policy/policy.sql';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'node_modules/.bin');
/**
 * A data module of src/ checked as it is (with what it imports, all free of packages): a column it
 * names must fail the type check once renamed, as check.ts's does.
 */
const MODULES = ['src/db/raw-sql.ts', 'src/feed/in-force.sql.ts'];

/**
 * Column names in hand-written SQL come from prisma/schema.prisma through scripts/prisma-model.cjs. Here the
 * generator runs on a copy of the schema with one column renamed, and SQL written the way src/ writes it
 * (`${p.country_code}`, src/db/columns.ts's columnsAt) stops type-checking: a rename fails the build.
 */
describe('the table and column map generated from the Prisma schema', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bw-model-'));
    // src/'s layout, so that data modules of src/ are checked unchanged beside check.ts.
    for (const file of ['src/db/columns.ts', ...MODULES]) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      copyFileSync(path.join(ROOT, file), path.join(dir, file));
    }
    writeFileSync(
      path.join(dir, 'src/check.ts'),
      `import { columnsAt } from './db/columns';
       import { PolicyTable, type PolicyRow } from './generated/model';
       const p = columnsAt(PolicyTable, 'p');
       export const text: string = \`SELECT \${p.id} FROM policy p WHERE \${p.country_code} = $1\`;
       export const code: PolicyRow['countryCode'] = 'FI';
      `,
    );
    const compilerOptions = { strict: true, noEmit: true, target: 'es2022', module: 'commonjs', types: [] };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['src/check.ts', ...MODULES.filter((file) => file.endsWith('.sql.ts'))] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Generates model.ts into `dir` from the schema as `edit` changes it, then type-checks check.ts against it. */
  function typeCheck(edit: (schema: string) => string): { ok: boolean; output: string } {
    const schema = readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8')
      .replace(/provider = "node scripts\/prisma-model\.cjs"/, `provider = "node ${path.join(ROOT, 'scripts/prisma-model.cjs')}"`)
      .replace(/output\s+= "\.\.\/src\/generated\/model\.ts"/, `output = "${path.join(dir, 'src/generated/model.ts')}"`);
    writeFileSync(path.join(dir, 'schema.prisma'), edit(schema));
    execFileSync(path.join(BIN, 'prisma'), ['generate', '--no-hints', '--schema', path.join(dir, 'schema.prisma'), '--generator', 'model'], { cwd: ROOT, stdio: 'pipe' });
    const tsc = spawnSync(path.join(BIN, 'tsc'), ['--noEmit', '-p', dir], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { ok: tsc.status === 0, output: tsc.stdout + tsc.stderr };
  }

  it('type-checks SQL that names the columns the schema has', () => {
    const result = typeCheck((schema) => schema);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 60_000);

  it('fails the type check once a column that SQL names is renamed in the schema', () => {
    const result = typeCheck((schema) =>
      schema.replace(/(model Policy \{[^}]*?countryCode\s+String\s+)@map\("country_code"\)/, '$1@map("country_iso")'),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/check\.ts.*Property 'country_code' does not exist/);
  }, 60_000);

  it('fails the type check of a data module of src/ (the in-force reads) once a column it names is renamed', () => {
    const result = typeCheck((schema) =>
      schema.replace(/(model Policy \{[^}]*?countryCode\s+String\s+)@map\("country_code"\)/, '$1@map("country_iso")'),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/src\/feed\/in-force\.sql\.ts.*Property 'country_code' does not exist/);
  }, 60_000);

  it('is what src/ derives its column lists from', () => {
    expect(POLICY_FIELDS).toBe(PolicyTable.columns);
    expect(PolicyTable).toMatchObject({ table: 'policy', columns: { countryCode: 'country_code', effectiveFrom: 'effective_from' } });
  });
});
