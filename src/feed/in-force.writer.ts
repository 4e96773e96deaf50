import { formatIsoDate } from '../common/dates';
import { FeedKind, type PolicyCategory, type PolicyStatus, type VisaRequirement } from '../common/enums';
import { lockInOrder, policyLock } from '../db/locks';
import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { changeDirection } from '../policy/policy.direction';
import { WRITE_TX } from './feed.commit';
import type { FeedPublisher } from './feed.publisher';
import { appendFeedEntries } from './feed.writer';

type Tx = Prisma.TransactionClient;

/** Versions announced per transaction: a catch-up after a long pause takes several, none of them long. */
const BATCH = 100;

/**
 * The versions due an in-force item on `$1` (a date) or before, oldest first, that have none yet:
 * - recorded ahead of time: their first day is after the (UTC) day they were recorded; a version
 *   recorded on or after its first day was news when recorded (its POLICY_CHANGE item), and so is
 *   all imported history;
 * - still standing: not retracted, and not superseded before they began (a version replaced by one
 *   starting the same day has an empty period: effective_to = effective_from);
 * - first day after the deployment's in_force_since (see its migration).
 * The predicate repeats the partial index policy_ahead_of_time's, so that index answers it.
 */
const DUE = `SELECT p.id, p.country_code AS "countryCode", p.nationality, p.category
  FROM policy p, deployment d
  WHERE p.effective_from > (p.recorded_at AT TIME ZONE 'UTC')::date
    AND p.effective_from <= $1::date AND p.effective_from > d.in_force_since
    AND p.retracted_at IS NULL AND (p.effective_to IS NULL OR p.effective_to > p.effective_from)
    AND NOT EXISTS (SELECT 1 FROM feed_entry f WHERE f.policy_id = p.id AND f.kind = 'POLICY_IN_FORCE')`;

/**
 * The same, for the versions given (`$2`), each with the version in force the day before it
 * began: the one it ends. That is the latest standing version of its policy to start earlier (of
 * several starting the same day, the last recorded: the others' periods are empty), which a
 * version recorded after this one was cannot be.
 */
const DUE_WITH_ENDED = `SELECT due.id, due."countryCode", due.nationality, due.category, v.status, v.visa_requirement AS "visaRequirement",
    v.max_stay_days AS "maxStayDays", ended.id AS "endedId", ended.status AS "endedStatus",
    ended.visa_requirement AS "endedVisaRequirement", ended.max_stay_days AS "endedMaxStayDays"
  FROM (${DUE} AND p.id = ANY($2::uuid[])) due
  JOIN policy v ON v.id = due.id
  LEFT JOIN LATERAL (
    SELECT q.id, q.status, q.visa_requirement, q.max_stay_days FROM policy q
    WHERE q.country_code = v.country_code AND q.nationality = v.nationality AND q.category = v.category
      AND q.retracted_at IS NULL AND q.effective_from < v.effective_from
    ORDER BY q.effective_from DESC, q.recorded_at DESC LIMIT 1
  ) ended ON true
  ORDER BY v.effective_from, v.recorded_at`;

interface Due {
  id: string;
  countryCode: string;
  nationality: string;
  category: PolicyCategory;
}

interface DueWithEnded extends Due {
  status: PolicyStatus;
  visaRequirement: VisaRequirement | null;
  maxStayDays: number | null;
  endedId: string | null;
  endedStatus: PolicyStatus | null;
  endedVisaRequirement: VisaRequirement | null;
  endedMaxStayDays: number | null;
}

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
      const due = await this.prisma.$queryRawUnsafe<Due[]>(`${DUE} ORDER BY p.effective_from, p.recorded_at LIMIT ${BATCH}`, day);
      if (due.length === 0) return written;
      const entries = await this.prisma.$transaction((tx) => this.announce(tx, day, due), WRITE_TX);
      this.publisher.committed(entries);
      written.push(...entries);
      // Another instance wrote this batch: the next query finds the rest, if any.
      if (entries.length === 0 && due.length < BATCH) return written;
    }
  }

  private async announce(tx: Tx, day: string, candidates: readonly Due[]): Promise<FeedEntry[]> {
    await lockInOrder(tx, candidates.map(policyLock));
    // Under the locks, from a fresh snapshot: what another instance, a retraction or a new version committed meanwhile counts.
    const due = await tx.$queryRawUnsafe<DueWithEnded[]>(DUE_WITH_ENDED, day, candidates.map((c) => c.id));
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
