import { z } from 'zod';
import { parseInput, requiredText } from '../common/validation';
import type { Sql } from '../db/sql';
import { writeOne } from '../db/sql-write';
import { pickPrefixed } from '../db/columns';
import { EventTable, FeedEntryTable, PolicyTable, StatementTable, type EventRow, type FeedEntryRow, type PolicyRow, type StatementRow } from '../generated/model';
import { RETRACT } from '../policy/policy.versioning.sql';
import type { FeedPublisher } from './feed.publisher';

export interface Retracted {
  entry: FeedEntryRow;
  /** The record as retracted (its kind is entry.retractedType): the mutation's answer needs no read. */
  record: PolicyRow | StatementRow | EventRow;
}

const retractInput = z.object({ id: z.uuid('must be the id of a policy, statement or event'), reason: requiredText(1000) });

/**
 * Marks a record found to be wrong as retracted. Nothing is deleted: the
 * record stays readable by id and in the feed, with the reason. A retracted
 * policy version drops out of its history: the version before it takes over
 * its period, and the version after it points back past it (the relinking is
 * policy versioning's, src/policy/policy.versioning.ts). One round trip:
 * bw_retract, under the policy's lock; CONFLICT when the record was retracted
 * already (a concurrent second retraction included), NOT_FOUND for an unknown id.
 */
export class RetractionService {
  constructor(
    private readonly sql: Sql,
    private readonly publisher: FeedPublisher,
  ) {}

  async retract(rawId: string, rawReason: string): Promise<Retracted> {
    const { id, reason } = parseInput(retractInput, { id: rawId, reason: rawReason }, '');
    const row = await writeOne<Record<string, unknown>>(this.sql, RETRACT, [id, reason], '');
    const retracted: Retracted = {
      entry: pickPrefixed<FeedEntryRow>(row, FeedEntryTable.columns, 'entry.', 'seq')!,
      record: (pickPrefixed<PolicyRow>(row, PolicyTable.columns, 'policy.') ??
        pickPrefixed<StatementRow>(row, StatementTable.columns, 'statement.') ??
        pickPrefixed<EventRow>(row, EventTable.columns, 'event.'))!,
    };
    this.publisher.committed([retracted.entry]);
    return retracted;
  }
}
