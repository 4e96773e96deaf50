import './map.css';
import { DEFAULT_NATIONALITY } from '../src/common/nationality';
import type { World } from '../src/map/map.world';
import { liveFilter, MAP_COUNTRIES, MAP_COUNTRY_STORY, MAP_DESTINATIONS, MAP_LATEST_CHANGE, MAP_NATIONALITIES } from '../src/map/map.queries';
import { query } from './api';
import { dayNumber, FIRST_DAY, isMapDate, isoOfDay, todayIso } from './dates';
import { byId, h, svg } from './dom';
import { followFeed, liveClient, type LiveEdge, type LiveState } from './live';
import { COLOURS, LABELS, RESTRICTION_LABEL, VISA_REQUIREMENTS } from './palette';
import { renderStory, type Story } from './panel';
import { applyVersion, rulesFrom, type Country, type Destination, type MapPolicy, type Rules } from './rules';
import { renderTable } from './table';
import { readView, sameView, viewSearch, type View } from './url-state';
import { WorldMap } from './world';

/** The world's shapes (scripts/map-world.ts), a hashed asset beside the script. */
declare const MAP_WORLD_URL: string;

const LIVE_LIST_MAX = 50;
/** A slider that stops moving this long asks for its date: one request per date reached, not per step. */
const SLIDER_SETTLE_MS = 200;

const ui = {
  nationality: byId<HTMLSelectElement>('nationality'),
  slider: byId<HTMLInputElement>('date-slider'),
  dateInput: byId<HTMLInputElement>('date-input'),
  today: byId<HTMLButtonElement>('today'),
  dateOutput: byId<HTMLOutputElement>('date-output'),
  country: byId<HTMLSelectElement>('country'),
  status: byId<HTMLParagraphElement>('status'),
  panel: byId<HTMLElement>('panel'),
  mapView: byId<HTMLElement>('map-view'),
  tableView: byId<HTMLElement>('table-view'),
  tableBody: byId<HTMLElement>('table-body'),
  tableCaption: byId<HTMLElement>('table-caption'),
  legend: byId<HTMLElement>('legend'),
  live: byId<HTMLOListElement>('live'),
  liveStatus: byId<HTMLElement>('live-status'),
  world: document.getElementById('world') as unknown as SVGSVGElement,
};

let view: View = readView(location.search);
let countries: Country[] = [];
const byCode = new Map<string, Country>();
/** The passports with data (MAP_NATIONALITIES): the chooser's entries, and the codes a link may name. */
const passports = new Set<string>();
/** The day the map's rules are for: when "today" has moved on, a live item brings the new day's map. */
let rulesDate: string | null = null;
let map: WorldMap;
let rules: Rules = new Map();
/** Versions heard live (for the current passport), numbered: replayed over an answer that may predate them. */
const heard: Array<{ n: number; countryCode: string; version: MapPolicy }> = [];
let heardCount = 0;
/** Cursors already shown: an item is handled once even if a resubscription were to repeat it. */
const seen = new Set<string>();
let stopLive: (() => void) | null = null;
const latest = { rules: 0, story: 0, live: 0 };

const client = liveClient((state) => showLiveState(state));
const dateOf = (shown: View): string => shown.date ?? todayIso();
const nameOf = (code: string): string => byCode.get(code)?.name ?? code;

async function main(): Promise<void> {
  setStatus('Loading the world…');
  const [list, nationalities, world] = await Promise.all([
    loadCountries(),
    query<{ nationalities: Array<{ code: string; country: { name: string } }> }>(MAP_NATIONALITIES, {}),
    fetch(MAP_WORLD_URL).then((response) => response.json() as Promise<World>),
  ]);
  countries = list;
  for (const { code } of nationalities.nationalities) passports.add(code);
  for (const country of list) byCode.set(country.code, country);
  // ISO 3166-1 numeric codes are strings with leading zeros ("004"): compared as such.
  const byNumeric = new Map(list.filter((country) => country.numeric).map((country) => [country.numeric!.padStart(3, '0'), country]));
  map = new WorldMap(ui.world, world, ({ id, properties }) =>
    (properties.alpha2 ? byCode.get(properties.alpha2) : id !== undefined ? byNumeric.get(String(id).padStart(3, '0')) : undefined) ?? null,
  );
  fillSelect(ui.nationality, nationalities.nationalities.map(({ code, country }) => ({ code, numeric: null, name: country.name })), null);
  fillSelect(ui.country, list, 'Choose a country…');
  renderLegend();
  wireControls();
  const asked = view.nationality;
  const first = known(view);
  if (!sameView(first, view)) history.replaceState(null, '', viewSearch(first));
  await show(first, null);
  // A link naming a passport with no data shows the default one, and says so.
  if (first.nationality !== asked) setStatus(`No data for ${nameOf(asked)} passports: showing ${nameOf(first.nationality)} passports instead.`);
}

/** Every country, page by page (MAP_COUNTRIES). */
async function loadCountries(): Promise<Country[]> {
  const all: Country[] = [];
  let after: string | null = null;
  do {
    const { countries: page }: { countries: { edges: Array<{ node: Country }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
      await query(MAP_COUNTRIES, { after });
    all.push(...page.edges.map((edge) => edge.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return all;
}

/** A view whose passport has data and whose country is known (a link may name anything). */
function known(candidate: View): View {
  return {
    ...candidate,
    nationality: passports.has(candidate.nationality) ? candidate.nationality : DEFAULT_NATIONALITY,
    country: candidate.country && byCode.has(candidate.country) ? candidate.country : null,
  };
}

/** Moves to `patch` and records it in the history, so a link holds it and back returns from it. */
function navigate(patch: Partial<View>): void {
  const next = { ...view, ...patch };
  if (sameView(next, view)) return;
  history.pushState(null, '', viewSearch(next));
  void show(next, view);
}

async function show(next: View, previous: View | null): Promise<void> {
  view = next;
  syncControls();
  map.select(next.country);
  const passportChanged = previous?.nationality !== next.nationality;
  const dateChanged = previous?.date !== next.date;
  if (!next.country) closePanel();
  else if (passportChanged || dateChanged || previous?.country !== next.country) void loadStory();
  // The live feed's starting cursor is read before the map: nothing committed in between is missed.
  if (passportChanged) await startLive(next.nationality);
  if (passportChanged || dateChanged) await loadRules();
}

/** The whole map for the view's passport and date: one request (MAP_DESTINATIONS). */
async function loadRules(): Promise<void> {
  const request = ++latest.rules;
  const { nationality } = view;
  const date = dateOf(view);
  const heardBefore = heardCount;
  setStatus(`Loading ${date}…`);
  try {
    const data = await query<{ nationality: { destinations: Destination[] } }>(MAP_DESTINATIONS, { nationality, date });
    if (request !== latest.rules) return;
    rules = rulesFrom(data.nationality.destinations);
    rulesDate = date;
    for (const item of heard) if (item.n >= heardBefore) applyVersion(rules, item.countryCode, item.version, date);
    paint();
    setStatus(rules.size ? '' : `No rules recorded for ${nameOf(nationality)} passports on ${date}.`);
  } catch (error) {
    if (request === latest.rules) setStatus(`Could not load the map: ${messageOf(error)}`, true);
  }
}

function paint(): void {
  const date = dateOf(view);
  map.paint(rules, new Map(countries.map((country) => [country.code, country.name])));
  renderTable(ui.tableBody, ui.tableCaption, countries, rules, `${nameOf(view.nationality)} passports on ${date}: ${rules.size} destinations with rules`);
  // What is on screen, for scripts and tests to wait on.
  ui.world.dataset.nationality = view.nationality;
  ui.world.dataset.date = date;
}

async function startLive(nationality: string): Promise<void> {
  stopLive?.();
  stopLive = null;
  const generation = ++latest.live;
  heard.length = 0;
  seen.clear();
  ui.live.replaceChildren();
  try {
    const data = await query<{ feed: { edges: Array<{ cursor: string }> } }>(MAP_LATEST_CHANGE, { filter: liveFilter(nationality) });
    if (generation !== latest.live) return;
    stopLive = followFeed(client, nationality, data.feed.edges[0]?.cursor ?? null, onLiveEdge, showLiveState);
  } catch (error) {
    if (generation === latest.live) showLiveState('failed', messageOf(error));
  }
}

function onLiveEdge(edge: LiveEdge): void {
  if (seen.has(edge.cursor)) return;
  seen.add(edge.cursor);
  if (seen.size > 1000) seen.delete(seen.values().next().value!);
  addToLiveList(edge);
  const { node } = edge;
  if (node.__typename !== 'Retraction') {
    const { policy } = node;
    heard.push({ n: heardCount++, countryCode: policy.countryCode, version: policy });
    if (heard.length > 200) heard.shift();
    // A version reaching its first day says a day has begun: a page following today moves to it.
    if (rulesDate !== dateOf(view)) void loadRules();
    else if (applyVersion(rules, policy.countryCode, policy, dateOf(view))) paint();
    if (view.country === policy.countryCode) void loadStory();
  } else if (node.target.__typename === 'Policy') {
    // A retracted version leaves its history: the version before it is back in force.
    void loadRules();
    if (view.country === node.target.countryCode) void loadStory();
  }
}

const DIRECTION_SIGNS: Record<string, string> = { STRICTER: '▲ stricter', LOOSER: '▼ looser', NEW: '● new', UNCHANGED: '= unchanged' };

function addToLiveList(edge: LiveEdge): void {
  const { node } = edge;
  const code = node.__typename === 'Retraction' ? (node.target.countryCode ?? '') : node.policy.countryCode;
  const direction = node.__typename === 'Retraction' ? 'RETRACTED' : node.direction;
  const open = h('button', { type: 'button', class: 'linklike' }, code ? nameOf(code) : 'A record');
  if (code) open.addEventListener('click', () => navigate({ country: code }));
  const detail =
    node.__typename === 'Retraction'
      ? `retracted: ${node.reason}`
      : `${node.policy.category} ${node.policy.status}: ${node.policy.title} (from ${node.policy.effectiveFrom})`;
  const item = h(
    'li',
    { 'data-cursor': edge.cursor, 'data-kind': edge.kind, 'data-country': code, 'data-direction': direction },
    h('time', { datetime: edge.committedAt }, new Date(edge.committedAt).toLocaleTimeString('en-GB')),
    ' ',
    ...(edge.kind === 'POLICY_IN_FORCE' ? [h('span', { class: 'in-force' }, '⏵ in force'), ' '] : []),
    h('span', { class: `direction ${direction.toLowerCase()}` }, DIRECTION_SIGNS[direction] ?? direction.toLowerCase()),
    ' ',
    open,
    ' ',
    detail,
  );
  ui.live.prepend(item);
  while (ui.live.children.length > LIVE_LIST_MAX) ui.live.lastElementChild!.remove();
}

function showLiveState(state: LiveState, detail?: string): void {
  ui.liveStatus.dataset.state = state;
  ui.liveStatus.textContent = { connecting: 'connecting…', live: '● live', offline: 'offline', failed: 'stopped' }[state] + (detail ? ` (${detail})` : '');
}

/** The side panel for the view's country: one request (MAP_COUNTRY_STORY). */
async function loadStory(): Promise<void> {
  const request = ++latest.story;
  const code = view.country!;
  const date = dateOf(view);
  ui.panel.hidden = false;
  ui.panel.setAttribute('aria-busy', 'true');
  if (ui.panel.dataset.code !== code) ui.panel.replaceChildren(h('p', { id: 'panel-title' }, `Loading ${nameOf(code)}…`));
  try {
    const data = await query<{ country: Story }>(MAP_COUNTRY_STORY, { code, nationality: view.nationality, date });
    if (request !== latest.story) return;
    renderStory(ui.panel, data.country, nameOf(view.nationality), date, closeCountry);
    ui.panel.dataset.code = code;
    ui.panel.dataset.date = date;
  } catch (error) {
    if (request === latest.story) ui.panel.replaceChildren(h('p', { id: 'panel-title', class: 'error' }, `Could not load ${nameOf(code)}: ${messageOf(error)}`));
  } finally {
    if (request === latest.story) ui.panel.removeAttribute('aria-busy');
  }
}

function closePanel(): void {
  latest.story += 1;
  ui.panel.hidden = true;
  ui.panel.replaceChildren();
  delete ui.panel.dataset.code;
}

/** Closing the panel returns the keyboard to the country list it was opened from. */
function closeCountry(): void {
  navigate({ country: null });
  ui.country.focus();
}

function wireControls(): void {
  const firstDay = dayNumber(FIRST_DAY);
  ui.slider.min = '0';
  ui.slider.max = String(dayNumber(todayIso()) - firstDay);
  ui.dateInput.min = FIRST_DAY;
  ui.dateInput.max = todayIso();
  // Today is "no date": the link then follows the present, and live changes recolour the map.
  const pick = (date: string) => navigate({ date: date === todayIso() ? null : date });
  let settle: ReturnType<typeof setTimeout> | undefined;
  ui.slider.addEventListener('input', () => {
    const date = isoOfDay(firstDay + Number(ui.slider.value));
    ui.dateOutput.textContent = date;
    clearTimeout(settle);
    settle = setTimeout(() => pick(date), SLIDER_SETTLE_MS);
  });
  ui.dateInput.addEventListener('change', () => {
    if (isMapDate(ui.dateInput.value)) pick(ui.dateInput.value);
  });
  ui.today.addEventListener('click', () => navigate({ date: null }));
  ui.nationality.addEventListener('change', () => navigate({ nationality: ui.nationality.value }));
  ui.country.addEventListener('change', () => navigate({ country: ui.country.value || null }));
  ui.world.addEventListener('click', (event) => {
    const code = (event.target as Element).closest<SVGElement>('[data-code]')?.dataset.code;
    if (code) navigate({ country: code });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && view.country) closeCountry();
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-view]')) {
    button.addEventListener('click', () => {
      for (const other of document.querySelectorAll<HTMLButtonElement>('[data-view]')) other.setAttribute('aria-pressed', String(other === button));
      ui.mapView.hidden = button.dataset.view !== 'map';
      ui.tableView.hidden = button.dataset.view !== 'table';
    });
  }
  window.addEventListener('popstate', () => void show(known(readView(location.search)), view));
}

function syncControls(): void {
  const date = dateOf(view);
  ui.nationality.value = view.nationality;
  ui.country.value = view.country ?? '';
  ui.slider.value = String(dayNumber(date) - dayNumber(FIRST_DAY));
  ui.dateInput.value = date;
  ui.dateOutput.textContent = view.date ? date : `${date} (today, live)`;
  ui.today.disabled = view.date === null;
}

function fillSelect(select: HTMLSelectElement, list: readonly Country[], placeholder: string | null): void {
  select.replaceChildren(
    ...(placeholder ? [h('option', { value: '' }, placeholder)] : []),
    ...list.map((country) => h('option', { value: country.code }, country.name)),
  );
}

function renderLegend(): void {
  const swatch = (colour: string) => {
    const element = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    element.style.background = colour;
    return element;
  };
  const hatch = svg('svg', { class: 'swatch', viewBox: '0 0 16 16', 'aria-hidden': 'true' });
  hatch.append(svg('rect', { width: '16', height: '16', fill: COLOURS.VISA_REQUIRED }), svg('rect', { width: '16', height: '16', class: 'mark' }));
  ui.legend.replaceChildren(
    ...[...VISA_REQUIREMENTS, 'NO_DATA' as const].map((requirement) => h('li', { 'data-visa': requirement }, swatch(COLOURS[requirement]), LABELS[requirement])),
    h('li', { 'data-restricted': 'true' }, hatch, RESTRICTION_LABEL),
  );
}

function setStatus(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

main().catch((error: unknown) => setStatus(`The map could not start: ${messageOf(error)}`, true));
