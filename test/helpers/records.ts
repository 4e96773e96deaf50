import type { TestServer } from './server';

/**
 * Records written through the services, the way the write API writes them
 * (validation, versioning, a feed entry per change), for tests that need
 * exact data in a `bare` database.
 */
let sourceNumber = 0;

export function source(label = 'fixture'): { url: string; title: string; publisher: string } {
  sourceNumber += 1;
  return { url: `https://example.org/${label}/${sourceNumber}`, title: `Source ${sourceNumber} (${label})`, publisher: 'Example' };
}

export interface PolicyFixture {
  countryCode: string;
  category?: string;
  nationality?: string;
  status?: string;
  visaRequirement?: string | null;
  maxStayDays?: number | null;
  title?: string;
  effectiveFrom: string;
  sources?: unknown[];
}

export function recordPolicy(server: TestServer, fixture: PolicyFixture) {
  return server.app.services.policyChanges.record({
    category: 'ENTRY',
    status: 'OPEN',
    title: `${fixture.countryCode} ${fixture.category ?? 'ENTRY'} from ${fixture.effectiveFrom}`,
    sources: [source('policy')],
    ...fixture,
  });
}

export interface StatementFixture {
  speaker: string;
  saidAt: string;
  text?: string;
  countryCode?: string | null;
  speakerRole?: string | null;
  medium?: string;
  sources?: unknown[];
}

export function addStatement(server: TestServer, fixture: StatementFixture) {
  return server.app.services.statementWrites.add({
    medium: 'SPEECH',
    text: `Words of ${fixture.speaker} at ${fixture.saidAt}`,
    sources: [source('statement')],
    ...fixture,
  });
}

export interface EventFixture {
  title: string;
  occurredOn: string;
  kind?: string;
  countryCode?: string | null;
  countryCodes?: string[];
  figure?: { value: number; unit: string; qualifier?: string } | null;
  sources?: unknown[];
}

export function addEvent(server: TestServer, fixture: EventFixture) {
  return server.app.services.eventWrites.add({ kind: 'OTHER', sources: [source('event')], ...fixture });
}

/** Today as the API's calendar dates are: YYYY-MM-DD in UTC. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

export function nodes<T = any>(connection: { edges: Array<{ node: T }> }): T[] {
  return connection.edges.map((edge) => edge.node);
}
