import type { EventKind, PolicyCategory, PolicyStatus, StatementMedium, Verification, VisaRequirement } from '../common/enums';

/*
 * What the database holds for a batch's natural keys, as the importer's planner compares it: read by
 * batch-state.ts, keyed and compared by natural-keys.ts, planned on by batch-plan.ts. Apart from all
 * three so that none of them imports another for a type.
 */

/** A policy version as the planner needs it; created ones are added as the batch goes. */
export interface VersionState {
  id: string;
  countryCode: string;
  nationality: string;
  category: PolicyCategory;
  status: PolicyStatus;
  visaRequirement: VisaRequirement | null;
  maxStayDays: number | null;
  title: string;
  summary: string | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

export interface StatementState {
  speakerRole: string | null;
  countryCode: string | null;
  medium: StatementMedium;
  language: string;
  verification: Verification;
}

export interface EventState {
  kind: EventKind;
  description: string | null;
  countryCode: string | null;
  figureValue: number | null;
  verification: Verification;
}

/** Records of one natural key: the live one, and any retracted ones (an import never brings those back). */
export interface Keyed<T> {
  live: T | null;
  retracted: T[];
}

/** What the database holds for one batch's natural keys, read in a few statements. */
export interface BatchState {
  /** Live versions per policy key, oldest first. */
  versions: Map<string, VersionState[]>;
  /** Retracted versions per policy key, oldest first. */
  retractedVersions: Map<string, VersionState[]>;
  statements: Map<string, Keyed<StatementState>>;
  events: Map<string, Keyed<EventState>>;
  /** Statements that replies in the batch point at and that exist. */
  statementIds: Set<string>;
}
