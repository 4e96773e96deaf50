import { gzipSync } from 'node:zlib';

/**
 * A size budget for a page's bundle: what a first visit downloads (scripts, styles, data),
 * measured gzipped at zlib's default level, as Borderwatch serves it (`compression`).
 */
export interface BudgetFile {
  name: string;
  content: Uint8Array | string;
}

export interface BudgetReport {
  files: Array<{ name: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
  budgetBytes: number;
}

export class BundleBudgetError extends Error {}

export function measureBundle(files: readonly BudgetFile[], budgetBytes: number): BudgetReport {
  const measured = files.map(({ name, content }) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    return { name, bytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength };
  });
  return { files: measured, gzipBytes: measured.reduce((sum, file) => sum + file.gzipBytes, 0), budgetBytes };
}

/** The report, or a BundleBudgetError naming every file's size when their total is over the budget. */
export function checkBudget(what: string, files: readonly BudgetFile[], budgetBytes: number): BudgetReport {
  const report = measureBundle(files, budgetBytes);
  if (report.gzipBytes > budgetBytes) {
    throw new BundleBudgetError(`${what} is ${kb(report.gzipBytes)} gzipped, over its budget of ${kb(budgetBytes)}:\n${formatBudget(report)}`);
  }
  return report;
}

export function formatBudget(report: BudgetReport): string {
  const lines = report.files.map((file) => `  ${file.name}: ${kb(file.bytes)} (${kb(file.gzipBytes)} gzipped)`);
  return [...lines, `  total: ${kb(report.gzipBytes)} gzipped of ${kb(report.budgetBytes)}`].join('\n');
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
