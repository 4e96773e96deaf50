import { AppError, BadUserInputError, ErrorCode } from '../common/errors';
import type { FeedEntry } from '../generated/prisma/client';
import { boundedLists } from '../common/filter-lists';
import type { CountryCatalog } from '../country/country.catalog';
import { translateDatabaseError } from '../db/errors';
import { feedFilterConditions, policyChangedConditions, toPredicate, type EntryCondition } from './feed-entry.conditions';
import type { FeedFilter } from './feed.filter';
import type { FeedRelay } from './feed.relay';
import type { FeedService } from './feed.service';
import { FeedSubscription, type SubscriptionLimits, type SubscriptionSource } from './feed.subscription';
import { POLICY_CHANGED_FILTER_LISTS, type PolicyChangedFilter } from './policy-changed.filter';
import { ReplayQueue } from './replay-queue';

/** Opens subscriptions on the relay, with their filters and their resume cursors. */
export class FeedStreams {
  private readonly opened = new Set<FeedSubscription>();

  /**
   * `replays` is where their queries wait (src/feed/replay-queue.ts); `client` (the socket)
   * names whose turn a query takes.
   */
  constructor(
    private readonly relay: FeedRelay,
    private readonly feed: FeedService,
    private readonly catalog: CountryCatalog,
    private readonly limits: SubscriptionLimits,
    private readonly replays = new ReplayQueue({ total: 2, perClient: 1 }),
  ) {}

  /** Every matching feed entry; with `after`, first those committed after that cursor. */
  async entries(filter: FeedFilter | null | undefined, after: string | null | undefined, client: object = {}): Promise<FeedSubscription> {
    return this.open(client, after, feedFilterConditions(this.feed.validate(filter)));
  }

  /** Policy changes only, filtered by country, category and the new version's status. */
  async policyChanges(given: PolicyChangedFilter | null | undefined, after: string | null | undefined, client: object = {}): Promise<FeedSubscription> {
    const filter = given ? boundedLists(given, POLICY_CHANGED_FILTER_LISTS) : given;
    if (filter?.countryCodes) this.catalog.assertAllKnown(filter.countryCodes, 'filter.countryCodes');
    if (filter?.nationality != null) this.catalog.assertKnown(filter.nationality, 'filter.nationality');
    return this.open(client, after, policyChangedConditions(filter));
  }

  private async open(
    client: object,
    after: string | null | undefined,
    conditions: readonly EntryCondition[],
  ): Promise<FeedSubscription> {
    const afterSeq = after ? this.feed.seqOf(after) : null;
    // Another instance may have committed past what this relay has delivered yet; only the database knows.
    if (afterSeq !== null && afterSeq > this.relay.relayedSeq && afterSeq > (await this.query(client, () => this.feed.latestSeq()))) {
      throw new BadUserInputError('after', 'this cursor is ahead of the feed (from another database?)');
    }
    const source = new StreamSource(this, client, conditions);
    const subscription = new FeedSubscription(source, afterSeq, this.limits);
    source.subscription = subscription;
    this.opened.add(subscription);
    return subscription;
  }

  /** The error that ends a subscription which fell behind, given the last sequence it received. */
  lagging(lastSent: bigint): Error {
    return new AppError(ErrorCode.FEED_LAGGING, 'This subscriber fell too far behind; resubscribe with after: extensions.resumeAfter', {
      resumeAfter: this.feed.cursorOf(lastSent),
    });
  }

  /** Matching entries after `from` up to `upTo`, read in `client`'s turn. */
  replay(client: object, conditions: readonly EntryCondition[], from: bigint, upTo: bigint, limit: number, signal: AbortSignal): Promise<FeedEntry[]> {
    return this.query(client, () => this.feed.range(from, upTo, conditions, limit), signal);
  }

  released(subscription: FeedSubscription): void {
    this.opened.delete(subscription);
  }

  /** The relay the subscriptions listen to. */
  get feedRelay(): FeedRelay {
    return this.relay;
  }

  /** A query on a subscriber's behalf, in its turn; a database failure as the client is to see it (SERVICE_UNAVAILABLE). */
  private async query<T>(client: object, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.replays.run(client, task, signal);
    } catch (error) {
      throw translateDatabaseError(error) ?? error;
    }
  }

  /**
   * Resolves once every open subscription has sent what it was given (or
   * after `timeoutMs`): at shutdown, sockets close only after that.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ([...this.opened].every((subscription) => subscription.settled)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/**
 * One subscription's filter and replays (FeedSubscription's source). A class rather than an object
 * of closures: an idle subscription keeps it for hours, so it should be a few fields.
 */
class StreamSource implements SubscriptionSource {
  readonly matches: (entry: FeedEntry) => boolean;
  subscription: FeedSubscription | null = null;

  constructor(
    private readonly streams: FeedStreams,
    private readonly client: object,
    private readonly conditions: readonly EntryCondition[],
  ) {
    this.matches = toPredicate(conditions);
  }

  get relay(): FeedRelay {
    return this.streams.feedRelay;
  }

  replay(after: bigint, upTo: bigint, limit: number, signal: AbortSignal): Promise<FeedEntry[]> {
    return this.streams.replay(this.client, this.conditions, after, upTo, limit, signal);
  }

  lagging(lastSent: bigint): Error {
    return this.streams.lagging(lastSent);
  }

  released(): void {
    if (this.subscription) this.streams.released(this.subscription);
  }
}
