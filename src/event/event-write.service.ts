import { FeedKind } from '../common/enums';
import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import { pickPrefixed } from '../db/columns';
import type { Sql } from '../db/sql';
import { writeOne } from '../db/sql-write';
import type { FeedPublisher } from '../feed/feed.publisher';
import type { NewFeedEntry } from '../feed/feed.writer';
import { EventTable, FeedEntryTable, type EventRow, type FeedEntryRow } from '../generated/model';
import type { Prisma } from '../generated/prisma/client';
import { addEventInput, type AddEventInputValue } from './add-event.input';
import { ADD_EVENT, insertEvent } from './event-write.sql';

type Tx = Prisma.TransactionClient;

export interface AddedEvent {
  event: EventRow;
  countryCodes: string[];
}

export class EventWriteService {
  constructor(
    private readonly sql: Sql,
    private readonly catalog: CountryCatalog,
    private readonly publisher: FeedPublisher,
  ) {}

  parse(raw: unknown, root = 'input'): AddEventInputValue {
    const input = parseInput(addEventInput, raw, root);
    if (input.countryCode) this.catalog.assertKnown(input.countryCode, `${root}.countryCode`);
    this.catalog.assertAllKnown(input.countryCodes, `${root}.countryCodes`);
    return input;
  }

  /** Validates, then records the event, its sources and countries and its feed entry in one round trip (bw_add_event), then publishes it. */
  async add(raw: unknown): Promise<AddedEvent & { entry: FeedEntryRow }> {
    const input = this.parse(raw);
    const countryCodes = involved(input);
    const row = await writeOne<Record<string, unknown>>(this.sql, ADD_EVENT, [JSON.stringify({ ...input, countryCodes })], 'input');
    const added = {
      event: pickPrefixed<EventRow>(row, EventTable.columns, 'event.')!,
      countryCodes,
      entry: pickPrefixed<FeedEntryRow>(row, FeedEntryTable.columns, 'entry.', 'seq')!,
    };
    this.publisher.committed([added.entry]);
    return added;
  }

  /** The event alone, inside a caller's transaction that appends the feed entry itself (bw_insert_event). */
  async addIn(tx: Tx, input: AddEventInputValue): Promise<AddedEvent> {
    const countryCodes = involved(input);
    return { event: await insertEvent(tx, JSON.stringify({ ...input, countryCodes })), countryCodes };
  }
}

/** The place where it happened always counts among the countries involved (the importer's planner too). */
export function involved(input: Pick<AddEventInputValue, 'countryCode' | 'countryCodes'>): string[] {
  return [...new Set([...(input.countryCode ? [input.countryCode] : []), ...input.countryCodes])];
}

/** The feed entry of a new event made by the importer (bw_add_event writes the API's). */
export function eventFeedEntry(added: { event: Pick<EventRow, 'id'>; countryCodes: string[] }): NewFeedEntry {
  return { kind: FeedKind.EVENT, countryCodes: added.countryCodes, eventId: added.event.id };
}
