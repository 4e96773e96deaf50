import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Files that may still write SQL outside a data module while a branch moves it. Each entry must still
 * hold SQL, so the list cannot go stale: once a branch that empties a file is merged, this test fails
 * until its entry is removed here. Empty since the read and write services' SQL moved (issue 12).
 */
const PENDING: readonly string[] = [];

/**
 * Where SQL may be written (README, Development: "Where SQL lives"): a feature's data modules,
 * `src/<feature>/*.sql.ts`, and the database infrastructure in `src/db/`. `src/generated/` is Prisma's.
 */
function mayHoldSql(file: string): boolean {
  return /^src\/[^/]+\/[^/]+\.sql\.ts$/.test(file) || file.startsWith('src/db/') || file.startsWith('src/generated/');
}

/**
 * What SQL looks like in a string: a statement's shape, not a single keyword. Keywords in capitals, as
 * this codebase writes SQL; an all-lowercase string is checked in capitals too, a mixed-case one (prose:
 * "Select a country from the list") is not.
 */
const SQL_SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ['INSERT INTO', /\bINSERT\s+INTO\b/],
  ['UPDATE … SET', /\bUPDATE\s+[\w."]+(\s+(AS\s+)?\w+)?\s+SET\b/],
  ['DELETE FROM', /\bDELETE\s+FROM\b/],
  ['WITH … AS (', /\bWITH\s+(RECURSIVE\s+)?[\w"]+(\s*\([^)]*\))?\s+AS\s+((NOT\s+)?MATERIALIZED\s+)?\(/],
  ['SELECT … FROM', /\bSELECT\b[\s\S]*?\bFROM\b/],
  // A string that is a whole statement of its own: `SELECT 1`, `BEGIN`, `LOCK TABLE …`, `ANALYZE …`.
  ['statement', /^\s*(SELECT|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|ANALYZE|VACUUM|TRUNCATE|LOCK\s+TABLE|SET\s+(LOCAL\s+)?\w+\s*(=|TO)|CREATE\s+|DROP\s+|ALTER\s+)\b/],
];

/** Prisma's raw-SQL entry points: any use outside a data module is SQL written there. */
const RAW_METHODS = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

interface Finding {
  file: string;
  line: number;
  what: string;
}

/** The text of a string, template or `+` chain of them, with `_` for each substitution; null for anything else. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => ` _ ${span.literal.text}`)].join('');
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left === null && right === null ? null : `${left ?? ' _ '}${right ?? ' _ '}`;
  }
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  return null;
}

/** SQL in the code of one file (comments are not code): each string shaped like a statement, each raw-SQL call, each `.query(<literal>)`. */
export function sqlIn(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const add = (node: ts.Node, what: string) => {
    findings.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, what });
  };
  const visit = (node: ts.Node): void => {
    // A piece of a `+` chain is judged as part of the whole chain.
    const { parent } = node as { parent?: ts.Node };
    const inChain = parent !== undefined && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken && literalText(parent) !== null;
    const literal = inChain ? null : literalText(node);
    if (literal !== null) {
      const candidates = literal === literal.toLowerCase() ? [literal, literal.toUpperCase()] : [literal];
      const shape = SQL_SHAPES.find(([, pattern]) => candidates.some((candidate) => pattern.test(candidate)));
      if (shape) add(node, shape[0]);
    }
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && RAW_METHODS.has(node.text)) add(node, node.text);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query') {
      const [first] = node.arguments;
      const text = first && ts.isObjectLiteralExpression(first)
        ? first.properties.find((property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && property.name.getText(source) === 'text')?.initializer
        : first;
      if (text && literalText(text) !== null) add(node, '.query(<literal text>)');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // One finding per line: the outermost (a call before the string it is given).
  const lines = new Set<number>();
  return findings.filter((finding) => !lines.has(finding.line) && lines.add(finding.line));
}

/** Every TypeScript file under `root`/src, as a path relative to `root` with forward slashes. */
function sourceFiles(root: string): string[] {
  return readdirSync(path.join(root, 'src'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** SQL in files that may not hold it (PENDING aside), and PENDING files that no longer hold any. */
export function checkSqlPlacement(root: string, pending: readonly string[]): { misplaced: string[]; stalePending: string[] } {
  const misplaced: string[] = [];
  const holding = new Set<string>();
  for (const file of sourceFiles(root).filter((name) => !mayHoldSql(name))) {
    const findings = sqlIn(file, readFileSync(path.join(root, file), 'utf8'));
    if (findings.length > 0) holding.add(file);
    if (!pending.includes(file)) misplaced.push(...findings.map((finding) => `${finding.file}:${finding.line} ${finding.what}`));
  }
  return { misplaced, stalePending: pending.filter((file) => !holding.has(file)) };
}

describe('SQL lives in data modules only (issue 12)', () => {
  it('finds no SQL in src/ outside src/<feature>/*.sql.ts and src/db/ (file:line)', () => {
    expect(checkSqlPlacement(ROOT, PENDING).misplaced).toEqual([]);
  });

  it('keeps PENDING to files that still hold SQL: remove an entry once its SQL has moved', () => {
    expect(checkSqlPlacement(ROOT, PENDING).stalePending).toEqual([]);
  });

  describe('on a fixture tree', () => {
    let root: string;
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    beforeAll(() => {
      root = mkdtempSync(path.join(tmpdir(), 'bw-sql-scan-'));
      write(
        'src/thing/thing.service.ts',
        [
          '// SELECT id FROM thing: comments are not code',
          'const columns = "id, name";',
          'export const byId = `SELECT ${columns} FROM thing WHERE id = $1`;',
          "export const old = 'DELETE FROM thing WHERE ' + columns;",
          'export const message = "Select a country from the list";',
          'export async function f(pool: any, prisma: any) {',
          "  await pool.query('BEGIN');",
          '  await prisma.$queryRaw`SELECT 1`;',
          '  await pool.query({ text: "ANALYZE thing" });',
          '  return `WITH recent AS (${byId}) UPDATE thing t SET name = 1`;',
          '}',
          "export const insert = 'INSERT INTO thing (id) VALUES ($1)';",
          "export const lower = 'select id from thing where id = $1';",
        ].join('\n'),
      );
      write('src/thing/thing.sql.ts', 'export const ALL = `SELECT * FROM thing`;\n');
      write('src/db/infra.ts', "export const PING = 'SELECT 1';\n");
      write('src/generated/prisma.ts', "export const X = 'INSERT INTO x VALUES (1)';\n");
      write('src/thing/deep/nested.sql.ts', "export const NOT_A_DATA_MODULE = 'SELECT 1';\n");
      write('src/thing/clean.ts', "export const words = 'nothing to see';\n");
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('names the file and line of SQL written outside a data module, and only that', () => {
      expect(checkSqlPlacement(root, []).misplaced).toEqual([
        'src/thing/deep/nested.sql.ts:1 statement',
        'src/thing/thing.service.ts:3 SELECT … FROM',
        'src/thing/thing.service.ts:4 DELETE FROM',
        'src/thing/thing.service.ts:7 .query(<literal text>)',
        'src/thing/thing.service.ts:8 $queryRaw',
        'src/thing/thing.service.ts:9 .query(<literal text>)',
        'src/thing/thing.service.ts:10 UPDATE … SET',
        'src/thing/thing.service.ts:12 INSERT INTO',
        'src/thing/thing.service.ts:13 SELECT … FROM',
      ]);
    });

    it('lets a PENDING file keep its SQL, and calls an entry stale once the file holds none', () => {
      const result = checkSqlPlacement(root, ['src/thing/thing.service.ts', 'src/thing/deep/nested.sql.ts', 'src/thing/clean.ts']);
      expect(result.misplaced).toEqual([]);
      expect(result.stalePending).toEqual(['src/thing/clean.ts']);
    });

    it('fails for SQL added to a file that held none', () => {
      write('src/thing/clean.ts', "export const words = 'nothing to see';\nexport const later = `UPDATE thing SET name = $1`;\n");
      expect(checkSqlPlacement(root, ['src/thing/thing.service.ts', 'src/thing/deep/nested.sql.ts']).misplaced).toEqual(['src/thing/clean.ts:2 UPDATE … SET']);
    });
  });
});
