import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verification, VisaRequirement } from '../common/enums';
import { DEFAULT_NATIONALITY } from '../common/nationality';
import type { SourceInputValue } from '../common/validation';
import { passportIndexDir } from './passport-index.source';

export type SourceRow = Pick<SourceInputValue, 'url' | 'title'> & { publisher?: string; publishedAt?: string };

/**
 * A hand-written note on some of a pair's versions (prisma/seed/passport-index/notes.json):
 * what a verified source adds to, or says against, the data set.
 */
export interface Note {
  /** Whose passport; RU when absent, as for the story's records. */
  passport?: string;
  destination: string;
  /** The versions it applies to: all of the pair's with this requirement (and stay). */
  match: { visaRequirement: VisaRequirement; maxStayDays?: number | null };
  note: string;
  /** Lowered when a verified source contradicts the data set. */
  verification?: Verification;
  /** Sources that support the version (not ones that contradict it). */
  sources?: SourceRow[];
}

export interface NotesFile {
  notes: Note[];
}

/** Whose passport a record without one is about: the importer's default nationality. */
export const DEFAULT_PASSPORT = DEFAULT_NATIONALITY;

export function passportOf(note: Note): string {
  return note.passport ?? DEFAULT_PASSPORT;
}

export function notesFor(notes: readonly Note[], passport: string, destination: string, visaRequirement: string, maxStayDays: number | null): Note[] {
  return notes.filter(
    (note) =>
      passportOf(note) === passport &&
      note.destination === destination &&
      note.match.visaRequirement === visaRequirement &&
      (note.match.maxStayDays === undefined || note.match.maxStayDays === maxStayDays),
  );
}

export async function readNotes(dir = passportIndexDir): Promise<Note[]> {
  return (JSON.parse(await readFile(path.join(dir, 'notes.json'), 'utf8')) as NotesFile).notes;
}
