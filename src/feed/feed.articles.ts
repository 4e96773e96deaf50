import { groupBy } from '../common/collections';
import { formatIsoDate } from '../common/dates';
import { ChangeDirection, FeedKind, FigureQualifier, RecordType } from '../common/enums';
import type { CountryCatalog } from '../country/country.catalog';
import type { EventService } from '../event/event.service';
import type { EventRow as Event } from '../generated/model';
import type { FeedEntry, Policy, Source, Statement } from '../generated/prisma/client';
import type { PolicyService } from '../policy/policy.service';
import { sourceKey, type SourceService } from '../source/source.service';
import type { StatementService } from '../statement/statement.service';
import type { FeedFilter } from './feed.filter';
import type { FeedService } from './feed.service';

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

interface Records {
  policies: Map<string, Policy>;
  statements: Map<string, Statement>;
  events: Map<string, Event>;
  sources: Map<string, FeedArticle['sources']>;
}

const DIRECTION: Record<ChangeDirection, string> = {
  [ChangeDirection.NEW]: 'New policy',
  [ChangeDirection.STRICTER]: 'Stricter',
  [ChangeDirection.LOOSER]: 'Looser',
  [ChangeDirection.UNCHANGED]: 'Reworded, same effect',
};

/** The newest feed items with what a reader needs to show them: one SQL statement per kind of record. */
export class FeedArticles {
  constructor(
    private readonly feed: FeedService,
    private readonly policies: PolicyService,
    private readonly statements: StatementService,
    private readonly events: EventService,
    private readonly sources: SourceService,
    private readonly catalog: CountryCatalog,
  ) {}

  async latest(filter: FeedFilter | null, first: number): Promise<FeedArticle[]> {
    const page = await this.feed.list(filter, first, null);
    const entries = page.edges.map((edge) => edge.entry);
    const records = await this.load(entries);
    return entries.map((entry) => this.article(entry, records));
  }

  private async load(entries: readonly FeedEntry[]): Promise<Records> {
    const ids = (kind: RecordType, own: (entry: FeedEntry) => Array<string | null>) =>
      unique(entries.flatMap((entry) => [...own(entry), entry.retractedType === kind ? entry.retractedId : null]));
    const policyIds = ids(RecordType.POLICY, (entry) => [entry.policyId, entry.previousPolicyId]);
    const statementIds = ids(RecordType.STATEMENT, (entry) => [entry.statementId]);
    const eventIds = ids(RecordType.EVENT, (entry) => [entry.eventId]);
    const [policies, statements, events, links] = await Promise.all([
      this.policies.byIds(policyIds),
      this.statements.byIds(statementIds),
      this.events.byIds(eventIds),
      this.sources.of([
        ...policyIds.map((id) => sourceKey('policy', id)),
        ...statementIds.map((id) => sourceKey('statement', id)),
        ...eventIds.map((id) => sourceKey('event', id)),
      ]),
    ]);
    // Record ids are UUIDs, unique across kinds: the kind prefix of the key can go.
    const sources = groupBy(links, (link) => link.ownerId.slice(link.ownerId.indexOf(':') + 1));
    return {
      policies: byId(policies),
      statements: byId(statements),
      events: byId(events),
      sources: new Map([...sources].map(([owner, list]) => [owner, list.map(({ value }) => ({ url: value.url, title: value.title, publisher: value.publisher }))])),
    };
  }

  private article(entry: FeedEntry, records: Records): FeedArticle {
    const countries = entry.countryCodes.map((code) => ({ code, name: this.catalog.get(code)?.name ?? code }));
    const where = countries.length > 0 ? `${countries.slice(0, 3).map((c) => c.name).join(', ')}: ` : '';
    const cursor = this.feed.cursorOf(entry.seq);
    const base = { cursor, kind: entry.kind, committedAt: entry.committedAt, countries, recordId: recordIdOf(entry) };
    const sourcesOf = (id: string | null) => (id ? (records.sources.get(id) ?? []) : []);

    switch (entry.kind) {
      case FeedKind.POLICY_CHANGE: {
        const policy = records.policies.get(entry.policyId!);
        const previous = entry.previousPolicyId ? records.policies.get(entry.previousPolicyId) : undefined;
        const change = `${DIRECTION[entry.direction ?? ChangeDirection.NEW]}: ${lower(policy?.category)} ${lower(policy?.status)}.`;
        return {
          ...base,
          title: `${where}${policy?.title ?? 'Policy change'}`,
          summary: [change, policy?.summary, previous ? `Replaces: ${previous.title}.` : null].filter(Boolean).join(' '),
          recordDate: policy ? { label: 'In force from', value: formatIsoDate(policy.effectiveFrom) } : null,
          sources: sourcesOf(entry.policyId),
        };
      }
      case FeedKind.POLICY_IN_FORCE: {
        const policy = records.policies.get(entry.policyId!);
        const ended = entry.previousPolicyId ? records.policies.get(entry.previousPolicyId) : undefined;
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
          sources: sourcesOf(entry.policyId),
        };
      }
      case FeedKind.STATEMENT: {
        const statement = records.statements.get(entry.statementId!);
        const speaker = statement ? [statement.speaker, statement.speakerRole].filter(Boolean).join(', ') : 'Statement';
        return {
          ...base,
          title: `${where}${statement?.speaker ?? 'Statement'}: “${excerpt(statement?.text ?? '', 100)}”`,
          summary: statement ? `${speaker}: “${statement.text}”` : '',
          recordDate: statement ? { label: 'Said on', value: formatIsoDate(statement.saidAt) } : null,
          sources: sourcesOf(entry.statementId),
        };
      }
      case FeedKind.EVENT: {
        const event = records.events.get(entry.eventId!);
        // With its qualifier ("about", "more than"), so a figure is never quoted more precisely than its source.
        const qualifier = event?.figureQualifier && event.figureQualifier !== FigureQualifier.EXACTLY ? lower(event.figureQualifier) : '';
        const figure = event && event.figureValue !== null ? [qualifier, String(Number(event.figureValue)), event.figureUnit].filter(Boolean).join(' ') : null;
        return {
          ...base,
          title: `${where}${event?.title ?? 'Event'}`,
          // Readers show the summary in lists: an event told by its title alone gets its title there too.
          summary: [event?.description, figure ? `Figure: ${figure}.` : null].filter(Boolean).join(' ') || (event?.title ?? ''),
          recordDate: event ? { label: 'Occurred on', value: formatIsoDate(event.occurredOn) } : null,
          sources: sourcesOf(entry.eventId),
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

  private targetTitle(entry: FeedEntry, records: Records): string {
    const id = entry.retractedId ?? '';
    if (entry.retractedType === RecordType.POLICY) return records.policies.get(id)?.title ?? 'a policy';
    if (entry.retractedType === RecordType.STATEMENT) return `words of ${records.statements.get(id)?.speaker ?? 'a speaker'}`;
    return records.events.get(id)?.title ?? 'an event';
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

function byId<T extends { id: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

function unique(ids: ReadonlyArray<string | null>): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}


function lower(value: string | undefined): string {
  return (value ?? '').toLowerCase().replace(/_/g, ' ');
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
