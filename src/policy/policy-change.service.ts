import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import { FeedKind, type ChangeDirection } from '../common/enums';
import { pickPrefixed } from '../db/columns';
import type { Sql } from '../db/sql';
import { writeOne } from '../db/sql-write';
import type { FeedPublisher } from '../feed/feed.publisher';
import type { NewFeedEntry } from '../feed/feed.writer';
import { FeedEntryTable, PolicyTable, type FeedEntryRow, type PolicyRow } from '../generated/model';
import { policyChangeInput, type PolicyChangeInputValue } from './policy-change.input';
import { versionLock } from './policy.versioning';
import { RECORD_POLICY_CHANGE } from './policy.versioning.sql';

export interface CommittedPolicyChange {
  policy: PolicyRow;
  /** The version replaced, as closed by this change. */
  previous: PolicyRow | null;
  direction: ChangeDirection;
  entry: FeedEntryRow;
}

/** Records new policy versions: closes the version replaced, links sources, writes the feed entry. */
export class PolicyChangeService {
  constructor(
    private readonly sql: Sql,
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

  /**
   * Validates, then records one change in one round trip (bw_record_policy_change: lock, close,
   * append, sources, feed entry), then publishes it. The answer is what the function returned.
   */
  async record(raw: unknown): Promise<CommittedPolicyChange> {
    const input = this.parse(raw);
    const row = await writeOne<Record<string, unknown>>(this.sql, RECORD_POLICY_CHANGE, [JSON.stringify(input), versionLock(input)], 'input');
    const committed: CommittedPolicyChange = {
      policy: pickPrefixed<PolicyRow>(row, PolicyTable.columns, 'policy.')!,
      previous: pickPrefixed<PolicyRow>(row, PolicyTable.columns, 'previous.'),
      direction: row.direction as ChangeDirection,
      entry: pickPrefixed<FeedEntryRow>(row, FeedEntryTable.columns, 'entry.', 'seq')!,
    };
    this.publisher.committed([committed.entry]);
    return committed;
  }
}

export interface PolicyChangeFacts {
  policy: Pick<PolicyRow, 'id' | 'countryCode' | 'nationality' | 'category' | 'status'>;
  previous: Pick<PolicyRow, 'id'> | null;
  direction: ChangeDirection;
}

/** The feed entry of a new version made by the importer (bw_record_policy_change writes the API's). */
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
