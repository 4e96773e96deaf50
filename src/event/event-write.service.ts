import { FeedKind } from '../common/enums';
import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import type { FeedPublisher } from '../feed/feed.publisher';
import { commitWithFeed } from '../feed/feed.commit';
import type { NewFeedEntry } from '../feed/feed.writer';
import type { Event, FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { ensureSources } from '../source/source.writer';
import { addEventInput, type AddEventInputValue } from './add-event.input';

type Tx = Prisma.TransactionClient;

export interface AddedEvent {
  event: Event;
  countryCodes: string[];
}

export class EventWriteService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly catalog: CountryCatalog,
    private readonly publisher: FeedPublisher,
  ) {}

  parse(raw: unknown, root = 'input'): AddEventInputValue {
    const input = parseInput(addEventInput, raw, root);
    if (input.countryCode) this.catalog.assertKnown(input.countryCode, `${root}.countryCode`);
    this.catalog.assertAllKnown(input.countryCodes, `${root}.countryCodes`);
    return input;
  }

  async add(raw: unknown): Promise<AddedEvent & { entry: FeedEntry }> {
    const input = this.parse(raw);
    return commitWithFeed(this.prisma, this.publisher, async (tx) => {
      const added = await this.addIn(tx, input);
      return { result: added, feed: eventFeedEntry(added) };
    });
  }

  /** The place where it happened always counts among the countries involved. */
  async addIn(tx: Tx, input: AddEventInputValue): Promise<AddedEvent> {
    const countryCodes = [...new Set([...(input.countryCode ? [input.countryCode] : []), ...input.countryCodes])];
    const sourceIds = await ensureSources(tx, input.sources);
    const event = await tx.event.create({
      data: {
        title: input.title,
        description: input.description,
        kind: input.kind,
        occurredOn: input.occurredOn,
        countryCode: input.countryCode,
        figureValue: input.figure?.value ?? null,
        figureUnit: input.figure?.unit ?? null,
        figureQualifier: input.figure?.qualifier ?? null,
        verification: input.verification,
        sources: { createMany: { data: sourceIds.map((sourceId, position) => ({ sourceId, position })) } },
        countries: { createMany: { data: countryCodes.map((countryCode) => ({ countryCode })) } },
      },
    });
    return { event, countryCodes };
  }
}

/** The feed entry of a new event, the same for an editor's write and an import. */
export function eventFeedEntry(added: { event: Pick<Event, 'id'>; countryCodes: string[] }): NewFeedEntry {
  return { kind: FeedKind.EVENT, countryCodes: added.countryCodes, eventId: added.event.id };
}
