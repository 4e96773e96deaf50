import { AppError, BadUserInputError } from '../common/errors';
import { formatIsoDate } from '../common/dates';
import type { AddedEvent } from '../event/event-write.service';
import { eventFeedEntry, type EventWriteService } from '../event/event-write.service';
import type { FeedPublisher } from '../feed/feed.publisher';
import { appendFeedEntries, type NewFeedEntry } from '../feed/feed.writer';
import type { Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import { feedEntryFor, WRITE_TX, type PolicyChangeService } from '../policy/policy-change.service';
import type { PolicyChangeInputValue } from '../policy/policy-change.input';
import { statementFeedEntry, type StatementWriteService } from '../statement/statement-write.service';
import type { AddStatementInputValue } from '../statement/add-statement.input';
import type { AddEventInputValue } from '../event/add-event.input';
import { emptyTally, type ImportReport, type ImportRow, type RecordKind } from './import.types';
import { findEvent, findStatement, samePolicyContent, sameEvent, sameStatement, resolvePolicyRefs } from './natural-keys';

type Tx = Prisma.TransactionClient;

export interface ImporterServices {
  policies: PolicyChangeService;
  statements: StatementWriteService;
  events: EventWriteService;
}

export interface ImportOptions {
  /** Rows per transaction: larger is faster, smaller holds locks for less time. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

type Parsed =
  | { kind: 'policy'; line: number; when: Date; input: PolicyChangeInputValue }
  | { kind: 'statement'; line: number; when: Date; input: AddStatementInputValue; refs: PolicyRef[] }
  | { kind: 'event'; line: number; when: Date; input: AddEventInputValue };

export interface PolicyRef {
  countryCode: string;
  nationality: string;
  category: string;
  effectiveFrom: Date;
}

type Outcome = { created: true; feed: NewFeedEntry } | { created: false };

/**
 * Brings records into the database the way editors' writes go in (same
 * validation, same versioning, a feed item per change) and is idempotent:
 * natural keys decide what is already there. Bad rows are reported with
 * line, field and reason; good rows still go in. Rows run in date order,
 * since a policy history can only be appended to.
 */
export class Importer {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly services: ImporterServices,
    private readonly publisher: FeedPublisher,
  ) {}

  async run(rows: readonly ImportRow[], options: ImportOptions = {}): Promise<ImportReport> {
    const report: ImportReport = { created: emptyTally(), unchanged: emptyTally(), rejected: [], feedEntries: 0 };
    const parsed: Parsed[] = [];
    for (const row of rows) {
      try {
        parsed.push(this.parse(row));
      } catch (error) {
        report.rejected.push(problem(row.kind, row.line, error));
      }
    }
    const ordered = order(parsed);
    const batchSize = options.batchSize ?? 200;
    let done = rows.length - ordered.length;
    for (let start = 0; start < ordered.length; start += batchSize) {
      const batch = ordered.slice(start, start + batchSize);
      const entries = await this.prisma.$transaction(async (tx) => {
        const feed: NewFeedEntry[] = [];
        for (const item of batch) {
          await tx.$executeRawUnsafe('SAVEPOINT import_row');
          try {
            const outcome = await this.apply(tx, item);
            await tx.$executeRawUnsafe('RELEASE SAVEPOINT import_row');
            if (outcome.created) {
              feed.push(outcome.feed);
              report.created[item.kind] += 1;
            } else {
              report.unchanged[item.kind] += 1;
            }
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT import_row');
            report.rejected.push(problem(item.kind, item.line, error));
          }
        }
        return appendFeedEntries(tx, feed);
      }, { ...WRITE_TX, timeout: 120_000 });
      report.feedEntries += entries.length;
      this.publisher.committed(entries);
      done += batch.length;
      options.onProgress?.(done, rows.length);
    }
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
  }

  private parse(row: ImportRow): Parsed {
    switch (row.kind) {
      case 'policy': {
        const input = this.services.policies.parse({ ...row.data, expectedPreviousId: null }, row.kind);
        return { kind: 'policy', line: row.line, when: input.effectiveFrom, input };
      }
      case 'statement': {
        const { relatedPolicies, ...data } = row.data;
        const input = this.services.statements.parse({ ...data, relatedPolicyIds: [] }, row.kind);
        const refs = parseRefs(relatedPolicies);
        const latestRef = Math.max(input.saidAt.getTime(), ...refs.map((ref) => ref.effectiveFrom.getTime()));
        return { kind: 'statement', line: row.line, when: new Date(latestRef), input, refs };
      }
      case 'event': {
        const input = this.services.events.parse(row.data, row.kind);
        return { kind: 'event', line: row.line, when: input.occurredOn, input };
      }
    }
  }

  private async apply(tx: Tx, item: Parsed): Promise<Outcome> {
    switch (item.kind) {
      case 'policy':
        return this.applyPolicy(tx, item.input);
      case 'statement': {
        const existing = await findStatement(tx, item.input);
        if (existing) return unchangedOrConflict(sameStatement(existing, item.input), 'statement');
        const relatedPolicyIds = await resolvePolicyRefs(tx, item.refs);
        const statement = await this.services.statements.addIn(tx, { ...item.input, relatedPolicyIds }, 'statement');
        return { created: true, feed: statementFeedEntry(statement) };
      }
      case 'event': {
        const existing = await findEvent(tx, item.input);
        if (existing) return unchangedOrConflict(sameEvent(existing, item.input), 'event');
        const added: AddedEvent = await this.services.events.addIn(tx, item.input);
        return { created: true, feed: eventFeedEntry(added) };
      }
    }
  }

  /**
   * A row equal to the version in force on its date (or starting on it) is
   * already there. Otherwise it becomes a new version, which must not start
   * before the current one.
   */
  private async applyPolicy(tx: Tx, input: PolicyChangeInputValue): Promise<Outcome> {
    const key = { countryCode: input.countryCode, nationality: input.nationality, category: input.category, retractedAt: null };
    const existing: Policy | null = await tx.policy.findFirst({
      where: { ...key, effectiveFrom: { lte: input.effectiveFrom }, OR: [{ effectiveTo: null }, { effectiveTo: { gte: input.effectiveFrom } }] },
      orderBy: [{ effectiveFrom: 'desc' }, { recordedAt: 'desc' }],
    });
    if (existing && samePolicyContent(existing, input)) return { created: false };
    const head = await tx.policy.findFirst({ where: { ...key, effectiveTo: null } });
    if (head && input.effectiveFrom < head.effectiveFrom) {
      throw new BadUserInputError(
        'policy.effectiveFrom',
        `${formatIsoDate(input.effectiveFrom)} is before the current version (from ${formatIsoDate(head.effectiveFrom)}); history can only be appended`,
      );
    }
    const change = await this.services.policies.recordIn(tx, input, 'policy');
    return { created: true, feed: feedEntryFor(change) };
  }
}

function order(parsed: Parsed[]): Parsed[] {
  return [...parsed].sort((a, b) => a.when.getTime() - b.when.getTime() || a.line - b.line);
}

function unchangedOrConflict(same: boolean, kind: RecordKind): Outcome {
  if (same) return { created: false };
  throw new BadUserInputError(kind, `a ${kind} with the same natural key exists with other details; retract it before importing a corrected one`);
}

function parseRefs(value: unknown): PolicyRef[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadUserInputError('statement.relatedPolicies', 'must be a list');
  return value.map((ref: unknown, index) => {
    const r = ref as Partial<Record<keyof PolicyRef, unknown>>;
    const field = `statement.relatedPolicies.${index}`;
    if (typeof r?.countryCode !== 'string' || typeof r.category !== 'string' || typeof r.effectiveFrom !== 'string') {
      throw new BadUserInputError(field, 'must give countryCode, category and effectiveFrom');
    }
    const effectiveFrom = new Date(`${r.effectiveFrom}T00:00:00Z`);
    if (Number.isNaN(effectiveFrom.getTime())) throw new BadUserInputError(`${field}.effectiveFrom`, 'is not a date');
    return {
      countryCode: r.countryCode,
      category: r.category,
      nationality: typeof r.nationality === 'string' ? r.nationality : 'RU',
      effectiveFrom,
    };
  });
}

function problem(kind: RecordKind, line: number, error: unknown) {
  if (error instanceof BadUserInputError) return { kind, line, field: error.field, reason: error.reason };
  if (error instanceof AppError) return { kind, line, field: kind, reason: error.message };
  throw error;
}
