import { AppError, BadUserInputError, ErrorCode } from '../common/errors';
import { boundedLists } from '../common/filter-lists';
import type { CountryCatalog } from '../country/country.catalog';
import { translateDatabaseError } from '../db/errors';
import { feedFilterConditions, policyChangedConditions, toPredicate, type EntryCondition } from './feed-entry.conditions';
import type { FeedFilter } from './feed.filter';
import type { FeedRelay } from './feed.relay';
import type { FeedService } from './feed.service';
import { FeedSubscription, type SubscriptionLimits } from './feed.subscription';
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
    const subscription = new FeedSubscription(
      {
        relay: this.relay,
        matches: toPredicate(conditions),
        replay: (from, upTo, limit, signal) => this.query(client, () => this.feed.range(from, upTo, conditions, limit), signal),
        lagging: (lastSent) =>
          new AppError(ErrorCode.FEED_LAGGING, 'This subscriber fell too far behind; resubscribe with after: extensions.resumeAfter', {
            resumeAfter: this.feed.cursorOf(lastSent),
          }),
        released: () => this.opened.delete(subscription),
      },
      afterSeq,
      this.limits,
    );
    this.opened.add(subscription);
    return subscription;
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
