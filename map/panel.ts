import { h, sourceLink } from './dom';
import { LABELS, requirementOf } from './palette';
import type { MapPolicy } from './rules';

/** MAP_COUNTRY_STORY's answer. */
interface Source {
  url: string;
  title: string;
  publisher: string | null;
  publishedAt: string | null;
}
interface StoryPolicy extends MapPolicy {
  summary?: string | null;
  changedAfter: string | null;
  sources: Source[];
}
interface Connection<T> {
  totalCount: number;
  edges: Array<{ node: T }>;
}
export interface Story {
  code: string;
  name: string;
  region: string | null;
  subregion: string | null;
  isEu: boolean;
  isSchengen: boolean;
  policiesAt: StoryPolicy[];
  policyHistory: Connection<StoryPolicy>;
  statements: Connection<{ id: string; speaker: string; speakerRole: string | null; saidAt: string; saidAtPrecision: string; text: string; sources: Source[] }>;
  events: Connection<{
    id: string;
    title: string;
    kind: string;
    occurredOn: string;
    description: string | null;
    figure: { value: number; unit: string; qualifier: string | null } | null;
    sources: Source[];
  }>;
}

/** The side panel: a country's rules on the chosen day, its history, what was said and what happened, with every source. */
export function renderStory(panel: HTMLElement, story: Story, nationalityName: string, date: string, onClose: () => void): void {
  const close = h('button', { type: 'button', class: 'close', 'aria-label': `Close ${story.name}` }, '×');
  close.addEventListener('click', onClose);
  const facts = [story.subregion ?? story.region, story.isEu && 'EU', story.isSchengen && 'Schengen'].filter(Boolean).join(' · ');
  panel.replaceChildren(
    h('header', {}, h('h2', { id: 'panel-title', tabindex: '-1' }, story.name), close),
    h('p', { class: 'facts' }, facts),
    section(`Rules for ${nationalityName} passports on ${date}`, story.policiesAt, (policy) => policyItem(policy, true), 'No rule recorded for that day.'),
    section(`Policy history (${story.policyHistory.totalCount})`, story.policyHistory.edges.map((edge) => edge.node), (policy) => policyItem(policy, false), 'No history.'),
    section(`Statements (${story.statements.totalCount})`, story.statements.edges.map((edge) => edge.node), (statement) =>
      h(
        'li',
        {},
        h('blockquote', {}, statement.text),
        h('p', { class: 'meta' }, `${statement.speaker}${statement.speakerRole ? `, ${statement.speakerRole}` : ''}, ${statement.saidAtPrecision === 'DAY' ? statement.saidAt.slice(0, 10) : statement.saidAt.replace('T', ' ').slice(0, 16)} UTC`),
        sources(statement.sources),
      ),
    ),
    section(`Events (${story.events.totalCount})`, story.events.edges.map((edge) => edge.node), (event) =>
      h(
        'li',
        {},
        h('strong', {}, event.title),
        h('p', { class: 'meta' }, `${event.occurredOn} · ${event.kind.toLowerCase()}${event.figure ? ` · ${figure(event.figure)}` : ''}`),
        event.description && h('p', {}, event.description),
        sources(event.sources),
      ),
    ),
  );
}

function section<T>(title: string, items: readonly T[], render: (item: T) => HTMLElement, empty = 'None recorded.'): HTMLElement {
  return h('section', {}, h('h3', {}, title), items.length ? h('ul', {}, ...items.map(render)) : h('p', { class: 'empty' }, empty));
}

function policyItem(policy: StoryPolicy, detailed: boolean): HTMLElement {
  const requirement = policy.visaRequirement ? LABELS[requirementOf(policy)] : null;
  const period = `${policy.changedAfter ? `after ${policy.changedAfter}, by ` : 'from '}${policy.effectiveFrom}${policy.effectiveTo ? ` to ${policy.effectiveTo}` : ''}`;
  return h(
    'li',
    { 'data-category': policy.category },
    h('strong', {}, `${policy.category} · ${policy.status}`),
    requirement && ` · ${requirement}`,
    policy.maxStayDays ? ` · up to ${policy.maxStayDays} days` : '',
    h('p', {}, policy.title),
    detailed && policy.summary ? h('p', { class: 'summary' }, policy.summary) : null,
    h('p', { class: 'meta' }, period),
    sources(policy.sources),
  );
}

function sources(list: readonly Source[]): HTMLElement {
  return h(
    'ul',
    { class: 'sources', 'aria-label': 'Sources' },
    ...list.map((source) => h('li', {}, sourceLink(source.url, source.title), source.publisher ? ` — ${source.publisher}` : '', source.publishedAt ? `, ${source.publishedAt}` : '')),
  );
}

const QUALIFIERS: Record<string, string> = { ABOUT: 'about', EXACTLY: '', LESS_THAN: 'fewer than', MORE_THAN: 'more than', UP_TO: 'up to' };

function figure({ value, unit, qualifier }: { value: number; unit: string; qualifier: string | null }): string {
  const words = qualifier ? QUALIFIERS[qualifier] : '';
  return `${words ? `${words} ` : ''}${value.toLocaleString('en')} ${unit}`;
}
