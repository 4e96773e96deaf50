import type { Verification, VisaRequirement } from '../../src/common/enums';
import type { SourceRow } from './snapshots';

/**
 * A hand-written note on some of a destination's versions (prisma/seed/passport-index/notes.json):
 * what a verified source adds to, or says against, the data set.
 */
export interface Note {
  destination: string;
  /** The versions it applies to: all of the destination's with this requirement (and stay). */
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

export function notesFor(notes: readonly Note[], destination: string, visaRequirement: string, maxStayDays: number | null): Note[] {
  return notes.filter(
    (note) =>
      note.destination === destination &&
      note.match.visaRequirement === visaRequirement &&
      (note.match.maxStayDays === undefined || note.match.maxStayDays === maxStayDays),
  );
}
