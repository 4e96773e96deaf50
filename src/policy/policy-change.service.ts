import { ConflictError, BadUserInputError } from '../common/errors';
import { formatIsoDate } from '../common/dates';
import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import { FeedKind, type ChangeDirection } from '../common/enums';
import type { FeedEntry, Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import { appendFeedEntries, type NewFeedEntry } from '../feed/feed.writer';
import { ensureSources } from '../source/source.writer';
import type { FeedPublisher } from '../feed/feed.publisher';
import { changeDirection } from './policy.direction';
import { policyChangeInput, type PolicyChangeInputValue } from './policy-change.input';

type Tx = Prisma.TransactionClient;

export interface RecordedPolicyChange {
  policy: Policy;
  previous: Policy | null;
  direction: ChangeDirection;
}

export interface CommittedPolicyChange extends RecordedPolicyChange {
  entry: FeedEntry;
}

export const WRITE_TX = { maxWait: 5_000, timeout: 20_000 } as const;

/** Records new policy versions: closes the version replaced, links sources, writes the feed entry. */
export class PolicyChangeService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly catalog: CountryCatalog,
    private readonly publisher: FeedPublisher,
  ) {}

  parse(raw: unknown, root = 'input'): PolicyChangeInputValue {
    const input = parseInput(policyChangeInput, raw, root);
    this.catalog.assertKnown(input.countryCode, `${root}.countryCode`);
    this.catalog.assertKnown(input.nationality, `${root}.nationality`);
    return input;
  }

  /** Validates and records one change in its own transaction, then publishes it. */
  async record(raw: unknown): Promise<CommittedPolicyChange> {
    const input = this.parse(raw);
    const committed = await this.prisma.$transaction(async (tx) => {
      const change = await this.recordIn(tx, input);
      const [entry] = await appendFeedEntries(tx, [feedEntryFor(change)]);
      return { ...change, entry: entry! };
    }, WRITE_TX);
    this.publisher.committed([committed.entry]);
    return committed;
  }

  /**
   * Appends one version inside `tx`. The caller appends the feed entry
   * (feedEntryFor) last, so the feed counter is locked only at the end.
   */
  async recordIn(tx: Tx, input: PolicyChangeInputValue, root = 'input'): Promise<RecordedPolicyChange> {
    const key = `${input.countryCode}/${input.nationality}/${input.category}`;
    // Writers of the same policy queue here, so each reads the version left by the one before.
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `policy:${key}`);
    const previous = await tx.policy.findFirst({
      where: {
        countryCode: input.countryCode,
        nationality: input.nationality,
        category: input.category,
        effectiveTo: null,
        retractedAt: null,
      },
    });
    if (input.expectedPreviousId !== null && previous?.id !== input.expectedPreviousId) {
      throw new ConflictError(
        `${key} has changed: its current version is ${previous?.id ?? 'none'}, not ${input.expectedPreviousId}`,
        { field: `${root}.expectedPreviousId`, currentId: previous?.id ?? null },
      );
    }
    if (previous && input.effectiveFrom < previous.effectiveFrom) {
      throw new BadUserInputError(
        `${root}.effectiveFrom`,
        `must not be before ${formatIsoDate(previous.effectiveFrom)}, when the current version took effect`,
      );
    }
    if (previous) {
      await tx.policy.update({ where: { id: previous.id }, data: { effectiveTo: input.effectiveFrom } });
    }
    const sourceIds = await ensureSources(tx, input.sources);
    const policy = await tx.policy.create({
      data: {
        countryCode: input.countryCode,
        nationality: input.nationality,
        category: input.category,
        status: input.status,
        visaRequirement: input.visaRequirement,
        maxStayDays: input.maxStayDays,
        title: input.title,
        summary: input.summary,
        effectiveFrom: input.effectiveFrom,
        changedAfter: input.changedAfter,
        announcedAt: input.announcedAt,
        verification: input.verification,
        previousId: previous?.id ?? null,
        sources: { createMany: { data: sourceIds.map((sourceId) => ({ sourceId })) } },
      },
    });
    const closedPrevious = previous ? { ...previous, effectiveTo: input.effectiveFrom } : null;
    return { policy, previous: closedPrevious, direction: changeDirection(previous, policy) };
  }
}

export function feedEntryFor(change: RecordedPolicyChange): NewFeedEntry {
  return {
    kind: FeedKind.POLICY_CHANGE,
    nationality: change.policy.nationality,
    countryCodes: [change.policy.countryCode],
    policyId: change.policy.id,
    previousPolicyId: change.previous?.id ?? null,
    direction: change.direction,
    category: change.policy.category,
    status: change.policy.status,
  };
}
