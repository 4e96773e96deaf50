export interface ImportArgs {
  files: string[];
  dryRun: boolean;
  batchSize: number | undefined;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = 'usage: npm run import -- <file.csv|file.json>... [--dry-run] [--batch-size N]';

export function parseImportArgs(argv: readonly string[]): ImportArgs {
  const args: ImportArgs = { files: [], dryRun: false, batchSize: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--batch-size') {
      const value = Number(argv[(i += 1)]);
      if (!Number.isInteger(value) || value < 1) throw new UsageError('--batch-size needs a whole number of at least 1');
      args.batchSize = value;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.files.push(arg);
  }
  if (args.files.length === 0) throw new UsageError('name at least one file to import');
  return args;
}
