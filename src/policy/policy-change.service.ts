import { ConflictError } from '../common/errors';
import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import { FeedKind, type ChangeDirection } from '../common/enums';
import type { FeedEntry, Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import { commitWithFeed } from '../feed/feed.commit';
import type { NewFeedEntry } from '../feed/feed.writer';
import { lockInOrder, policyLock } from '../db/locks';
import { ensureSources } from '../source/source.writer';
import type { FeedPublisher } from '../feed/feed.publisher';
import { changeDirection } from './policy.direction';
import { assertAppendable, newVersionFields } from './policy.version';
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

  /** Throws BAD_USER_INPUT naming `field` unless `code` is a known nationality (a country code). */
  assertNationality(code: string, field: string): void {
    this.catalog.assertKnown(code, field);
  }

  /** Validates and records one change in its own transaction, then publishes it. */
  async record(raw: unknown): Promise<CommittedPolicyChange> {
    const input = this.parse(raw);
    return commitWithFeed(this.prisma, this.publisher, async (tx) => {
      const change = await this.recordIn(tx, input);
      return { result: change, feed: feedEntryFor(change) };
    });
  }

  /**
   * Appends one version inside `tx`. The caller appends the feed entry
   * (feedEntryFor) last, so the feed counter is locked only at the end.
   */
  async recordIn(tx: Tx, input: PolicyChangeInputValue, root = 'input'): Promise<RecordedPolicyChange> {
    const key = `${input.countryCode}/${input.nationality}/${input.category}`;
    // Writers of the same policy queue here, so each reads the version left by the one before.
    await lockInOrder(tx, [policyLock(input)]);
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
    assertAppendable(previous, input.effectiveFrom, `${root}.effectiveFrom`);
    if (previous) {
      await tx.policy.update({ where: { id: previous.id }, data: { effectiveTo: input.effectiveFrom } });
    }
    const sourceIds = await ensureSources(tx, input.sources);
    const policy = await tx.policy.create({
      data: {
        ...newVersionFields(input, previous?.id ?? null),
        sources: { createMany: { data: sourceIds.map((sourceId, position) => ({ sourceId, position })) } },
      },
    });
    const closedPrevious = previous ? { ...previous, effectiveTo: input.effectiveFrom } : null;
    return { policy, previous: closedPrevious, direction: changeDirection(previous, policy) };
  }
}

export interface PolicyChangeFacts {
  policy: Pick<Policy, 'id' | 'countryCode' | 'nationality' | 'category' | 'status'>;
  previous: Pick<Policy, 'id'> | null;
  direction: ChangeDirection;
}

/** The feed entry of a new version, the same for an editor's change and an import. */
export function feedEntryFor(change: PolicyChangeFacts): NewFeedEntry {
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
