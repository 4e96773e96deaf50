import type { ImportReport, Tally } from './import.types';

/** The report an editor reads: counts, then each rejected row as `file:line field: reason`. */
export function formatReport(report: ImportReport, dryRun = false): string {
  const lines = [
    `${dryRun ? 'dry run (nothing written): ' : ''}${report.rows} rows read`,
    `created:   ${tally(report.created)}`,
    `unchanged: ${tally(report.unchanged)}`,
    `retracted: ${tally(report.retracted)} (skipped: they match retracted records)`,
    `feed items: ${report.feedEntries}`,
    `rejected:  ${report.rejected.length}`,
    ...report.rejected.map((problem) => `  ${problem.file}:${problem.line} ${problem.field}: ${problem.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

function tally(counts: Tally): string {
  return `${counts.policy} policies, ${counts.statement} statements, ${counts.event} events`;
}
