import { formatIsoDate } from '../common/dates';
import { ChangeDirection, FeedKind, FigureQualifier, RecordType } from '../common/enums';
import type { CountryCatalog } from '../country/country.catalog';
import type { FeedEntry, Source } from '../generated/prisma/client';
import type { FeedFilter } from './feed.filter';
import type { FeedService } from './feed.service';
import type { FeedRecords } from './feed.sql';

/** A feed item as a news reader shows it: plain text, whatever the format it is written in. */
export interface FeedArticle {
  /** The item's feed cursor: its stable id, and where a GraphQL client resumes from. */
  cursor: string;
  kind: FeedKind;
  title: string;
  summary: string;
  committedAt: Date;
  /** The record's own date (a policy's first day, when words were said, when an event happened), as YYYY-MM-DD. */
  recordDate: { label: string; value: string } | null;
  countries: Array<{ code: string; name: string }>;
  sources: Array<Pick<Source, 'url' | 'title' | 'publisher'>>;
  /** The record this item is about (its node id), which the item links to (feedItemLink). */
  recordId: string;
}

const NO_RECORDS: FeedRecords = { policy: null, previous: null, statement: null, event: null };

const DIRECTION: Record<ChangeDirection, string> = {
  [ChangeDirection.NEW]: 'New policy',
  [ChangeDirection.STRICTER]: 'Stricter',
  [ChangeDirection.LOOSER]: 'Looser',
  [ChangeDirection.UNCHANGED]: 'Reworded, same effect',
};

/**
 * The newest feed items with what a reader needs to show them. The records and their sources come from
 * the feed's own page read (FeedService.list, FeedService.withRecords): one SQL statement per document.
 */
export class FeedArticles {
  constructor(
    private readonly feed: FeedService,
    private readonly catalog: CountryCatalog,
  ) {}

  async latest(filter: FeedFilter | null, first: number): Promise<FeedArticle[]> {
    const page = await this.feed.list(filter, first, null, { sources: true });
    return page.edges.map((edge) => this.article(edge.entry, edge.records ?? NO_RECORDS));
  }

  /** These entries as articles, in the same order (the event stream renders entries it already has). */
  async of(entries: readonly FeedEntry[]): Promise<FeedArticle[]> {
    const records = new Map((await this.feed.withRecords(entries)).map((row) => [row.entry.seq, row.records]));
    return entries.map((entry) => this.article(entry, records.get(entry.seq) ?? NO_RECORDS));
  }

  private article(entry: FeedEntry, records: FeedRecords): FeedArticle {
    const countries = entry.countryCodes.map((code) => ({ code, name: this.catalog.get(code)?.name ?? code }));
    const where = countries.length > 0 ? `${countries.slice(0, 3).map((c) => c.name).join(', ')}: ` : '';
    const cursor = this.feed.cursorOf(entry.seq);
    const base = { cursor, kind: entry.kind, committedAt: entry.committedAt, countries, recordId: recordIdOf(entry) };
    const sourcesOf = (record: { sources?: Source[] } | null) => (record?.sources ?? []).map(({ url, title, publisher }) => ({ url, title, publisher }));

    switch (entry.kind) {
      case FeedKind.POLICY_CHANGE: {
        const { policy, previous } = records;
        const change = `${DIRECTION[entry.direction ?? ChangeDirection.NEW]}: ${lower(policy?.category)} ${lower(policy?.status)}.`;
        return {
          ...base,
          title: `${where}${policy?.title ?? 'Policy change'}`,
          summary: [change, policy?.summary, previous ? `Replaces: ${previous.title}.` : null].filter(Boolean).join(' '),
          recordDate: policy ? { label: 'In force from', value: formatIsoDate(policy.effectiveFrom) } : null,
          sources: sourcesOf(policy),
        };
      }
      case FeedKind.POLICY_IN_FORCE: {
        const { policy, previous: ended } = records;
        const since = policy ? formatIsoDate(policy.effectiveFrom) : null;
        return {
          ...base,
          title: `${where}In force${since ? ` from ${since}` : ''}: ${policy?.title ?? 'a policy version'}`,
          summary: [
            `Now in force. ${DIRECTION[entry.direction ?? ChangeDirection.NEW]}: ${lower(policy?.category)} ${lower(policy?.status)}.`,
            policy?.summary,
            ended ? `Ends: ${ended.title}.` : null,
          ]
            .filter(Boolean)
            .join(' '),
          recordDate: since ? { label: 'In force from', value: since } : null,
          sources: sourcesOf(policy),
        };
      }
      case FeedKind.STATEMENT: {
        const { statement } = records;
        const speaker = statement ? [statement.speaker, statement.speakerRole].filter(Boolean).join(', ') : 'Statement';
        return {
          ...base,
          title: `${where}${statement?.speaker ?? 'Statement'}: “${excerpt(statement?.text ?? '', 100)}”`,
          summary: statement ? `${speaker}: “${statement.text}”` : '',
          recordDate: statement ? { label: 'Said on', value: formatIsoDate(statement.saidAt) } : null,
          sources: sourcesOf(statement),
        };
      }
      case FeedKind.EVENT: {
        const { event } = records;
        // With its qualifier ("about", "more than"), so a figure is never quoted more precisely than its source.
        const qualifier = event?.figureQualifier && event.figureQualifier !== FigureQualifier.EXACTLY ? lower(event.figureQualifier) : '';
        const figure = event && event.figureValue !== null ? [qualifier, String(Number(event.figureValue)), event.figureUnit].filter(Boolean).join(' ') : null;
        return {
          ...base,
          title: `${where}${event?.title ?? 'Event'}`,
          // Readers show the summary in lists: an event told by its title alone gets its title there too.
          summary: [event?.description, figure ? `Figure: ${figure}.` : null].filter(Boolean).join(' ') || (event?.title ?? ''),
          recordDate: event ? { label: 'Occurred on', value: formatIsoDate(event.occurredOn) } : null,
          sources: sourcesOf(event),
        };
      }
      case FeedKind.RETRACTION:
        return {
          ...base,
          title: `${where}Retracted: ${this.targetTitle(entry, records)}`,
          summary: `Found to be wrong: ${entry.reason ?? ''}`.trim(),
          recordDate: null,
          sources: [],
        };
    }
  }

  /** A retraction's records are its target (src/feed/feed.sql.ts). */
  private targetTitle(entry: FeedEntry, records: FeedRecords): string {
    if (entry.retractedType === RecordType.POLICY) return records.policy?.title ?? 'a policy';
    if (entry.retractedType === RecordType.STATEMENT) return `words of ${records.statement?.speaker ?? 'a speaker'}`;
    return records.event?.title ?? 'an event';
  }
}

/** The record an entry is about: the version it published or that came into force, the statement or event, or the retracted record. */
function recordIdOf(entry: FeedEntry): string {
  switch (entry.kind) {
    case FeedKind.POLICY_CHANGE:
    case FeedKind.POLICY_IN_FORCE:
      return entry.policyId!;
    case FeedKind.STATEMENT:
      return entry.statementId!;
    case FeedKind.EVENT:
      return entry.eventId!;
    case FeedKind.RETRACTION:
      return entry.retractedId!;
  }
}

function lower(value: string | undefined): string {
  return (value ?? '').toLowerCase().replace(/_/g, ' ');
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
