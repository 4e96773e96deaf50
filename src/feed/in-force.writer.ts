import { formatIsoDate } from '../common/dates';
import { FeedKind } from '../common/enums';
import { lockInOrder, policyLock } from '../db/locks';
import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { changeDirection } from '../policy/policy.direction';
import { WRITE_TX } from './feed.commit';
import type { FeedPublisher } from './feed.publisher';
import { appendFeedEntries } from './feed.writer';
import { selectDueVersions, selectDueWithEnded, type DueVersion } from './in-force.sql';

type Tx = Prisma.TransactionClient;

/** Versions announced per transaction: a catch-up after a long pause takes several, none of them long. */
const BATCH = 100;

/**
 * Writes the POLICY_IN_FORCE feed items that are due, exactly once whatever the number of
 * instances doing it at the same moment. Each batch takes the policies' locks (the ones editors'
 * changes and retractions take), then looks again: of two instances, the second finds the first's
 * items committed and writes nothing. Looking rather than inserting with ON CONFLICT DO NOTHING
 * keeps the feed's numbers gapless (a skipped insert would still have taken a number); the unique
 * index feed_entry_in_force_once would refuse a second item, rolling its transaction back whole.
 */
export class InForceWriter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly publisher: FeedPublisher,
  ) {}

  /** Announces every version due by `today` (a UTC date); returns the entries written. */
  async announceDue(today: Date): Promise<FeedEntry[]> {
    const day = formatIsoDate(today);
    const written: FeedEntry[] = [];
    for (;;) {
      const due = await selectDueVersions(this.prisma, day, BATCH);
      if (due.length === 0) return written;
      const entries = await this.prisma.$transaction((tx) => this.announce(tx, day, due), WRITE_TX);
      this.publisher.committed(entries);
      written.push(...entries);
      // Another instance wrote this batch: the next query finds the rest, if any.
      if (entries.length === 0 && due.length < BATCH) return written;
    }
  }

  private async announce(tx: Tx, day: string, candidates: readonly DueVersion[]): Promise<FeedEntry[]> {
    await lockInOrder(tx, candidates.map(policyLock));
    // Under the locks, from a fresh snapshot: what another instance, a retraction or a new version committed meanwhile counts.
    const due = await selectDueWithEnded(tx, day, candidates.map((c) => c.id));
    return appendFeedEntries(
      tx,
      due.map((version) => ({
        kind: FeedKind.POLICY_IN_FORCE,
        nationality: version.nationality,
        countryCodes: [version.countryCode],
        policyId: version.id,
        previousPolicyId: version.endedId,
        direction: changeDirection(
          version.endedStatus ? { status: version.endedStatus, visaRequirement: version.endedVisaRequirement, maxStayDays: version.endedMaxStayDays } : null,
          version,
        ),
        category: version.category,
        status: version.status,
      })),
    );
  }
}
