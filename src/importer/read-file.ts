import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCsvRows } from './csv-format';
import { ImportFileError, type ImportRow } from './import.types';
import { readJsonRows } from './json-format';

/** Reads a whole import file; throws ImportFileError, before anything is written, if it is malformed. */
export async function readImportFile(file: string): Promise<ImportRow[]> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new ImportFileError(`${file}: cannot be read (${error.code ?? error.message})`);
  });
  const text = decodeUtf8(bytes, file);
  switch (path.extname(file).toLowerCase()) {
    case '.json':
      return readJsonRows(text, file);
    case '.csv':
      return readCsvRows(text, file);
    default:
      throw new ImportFileError(`${file}: unsupported file type; use .csv or .json`);
  }
}

/** Reads several files; the first malformed one stops everything, so nothing is written. */
export async function readImportFiles(files: readonly string[]): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for (const file of files) rows.push(...(await readImportFile(file)));
  return rows;
}

function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ImportFileError(`${file}: not valid UTF-8; save the file as UTF-8 and try again`);
  }
}
