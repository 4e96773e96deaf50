/**
 * The GraphQL documents of scenarios 1-3. Borderwatch, the naive baseline and the floor serve
 * the same schema and get the same documents; PostGraphile's generated schema gets documents
 * asking for the same data (its Relay connections, its relation names).
 */
export type Family = 'borderwatch' | 'postgraphile';
export type Scenario = 'feed' | 'countries' | 'passport' | 'history';

export const SCENARIOS: Scenario[] = ['feed', 'countries', 'passport', 'history'];

/** Scenario 7's mix is drawn from these (the issue's scenarios 1-3). */
export const MIXED_FROM: Scenario[] = ['feed', 'countries', 'history'];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  feed: '1. Feed page: feed(first: 50) with country, policy, previous, sources',
  countries: '2. Country map: countries(first: 250) { currentPolicies { status } }',
  passport: '2b. Passport map: nationality(code) { destinations(date) { country visa policies } }',
  history: '3. History: country(code) { policiesAt(date) policyHistory(first: 100) }',
};

/** What the request variables are drawn from: the benchmark database's own keys. */
export interface DatasetKeys {
  countryCodes: readonly string[];
  /** Nationalities with policies (RU alone in the generated dataset; every passport once issue 13's data is in). */
  nationalities: readonly string[];
}

const FEED_BW = `query Feed {
  feed(first: 50) {
    edges {
      cursor kind committedAt
      node {
        __typename
        ... on PolicyChange {
          direction
          policy { id category status title effectiveFrom country { code name } sources { url publisher } }
          previous { id status title effectiveFrom }
        }
        ... on Statement { id speaker text saidAt country { code name } sources { url publisher } }
        ... on Event { id title occurredOn country { code name } sources { url publisher } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const FEED_PGL = `query Feed {
  allFeedEntries(first: 50, orderBy: SEQ_DESC) {
    edges {
      cursor
      node {
        seq kind committedAt direction
        policy: policyByPolicyId {
          id: rowId category status title effectiveFrom
          country: countryByCountryCode { code name }
          policySourcesByPolicyId { nodes { sourceBySourceId { url publisher } } }
        }
        previous: policyByPreviousPolicyId { id: rowId status title effectiveFrom }
        statement: statementByStatementId {
          id: rowId speaker text saidAt
          country: countryByCountryCode { code name }
          statementSourcesByStatementId { nodes { sourceBySourceId { url publisher } } }
        }
        event: eventByEventId {
          id: rowId title occurredOn
          country: countryByCountryCode { code name }
          eventSourcesByEventId { nodes { sourceBySourceId { url publisher } } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const COUNTRIES_BW = `query Countries {
  countries(first: 250) { edges { node { code name currentPolicies { category status } } } }
}`;

const COUNTRIES_PGL = `query Countries {
  allCountries(first: 250, orderBy: NAME_ASC) { edges { node { code name currentPolicies { nodes { category status } } } } }
}`;

const HISTORY_BW = `query History($code: ID!, $date: Date!) {
  country(code: $code) {
    code name
    policiesAt(date: $date) { id category status title effectiveFrom effectiveTo }
    policyHistory(first: 100) {
      totalCount
      edges { cursor node { id category status title effectiveFrom effectiveTo } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const HISTORY_PGL = `query History($code: String!, $date: Date!) {
  country: countryByCode(code: $code) {
    code name
    policiesAt(at: $date) { nodes { id: rowId category status title effectiveFrom effectiveTo } }
    policyHistory: policiesByCountryCode(
      first: 100
      condition: { nationality: "RU", retractedAt: null }
      orderBy: [EFFECTIVE_FROM_DESC, RECORDED_AT_DESC, ROW_ID_DESC]
    ) {
      totalCount
      edges { cursor node { id: rowId category status title effectiveFrom effectiveTo } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

// One passport's world on a day, as the map draws it (issue 13): the query exists on main as written.
const PASSPORT_BW = `query PassportMap($code: ID!, $date: Date) {
  nationality(code: $code) {
    destinations(date: $date) {
      country { code }
      visa { visaRequirement maxStayDays }
      policies { category status }
    }
  }
}`;

// PostGraphile has no nationality: a root function listing the destinations with a rule in force and
// two computed columns of country taking the nationality and the day (candidates/postgraphile/setup.sql).
const PASSPORT_PGL = `query PassportMap($code: String!, $date: Date!) {
  destinations: passportDestinations(nationality: $code, at: $date) {
    nodes {
      code
      visa: visaFor(nationality: $code, at: $date) { visaRequirement maxStayDays }
      policies: rulesFor(nationality: $code, at: $date) { nodes { category status } }
    }
  }
}`;

export const DOCUMENTS: Record<Family, Record<Scenario, string>> = {
  borderwatch: { feed: FEED_BW, countries: COUNTRIES_BW, passport: PASSPORT_BW, history: HISTORY_BW },
  postgraphile: { feed: FEED_PGL, countries: COUNTRIES_PGL, passport: PASSPORT_PGL, history: HISTORY_PGL },
};

/** A small deterministic generator, so every candidate gets the same "random" requests. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` (code, date) pairs drawn once from a fixed seed, dates between `from` and today. */
function pairs(codes: readonly string[], from: number, seed: number, count: number): Array<{ code: string; date: string }> {
  const random = prng(seed);
  const span = Date.now() - from;
  return Array.from({ length: count }, () => ({
    code: codes[Math.floor(random() * codes.length)]!,
    date: new Date(from + Math.floor(random() * span)).toISOString().slice(0, 10),
  }));
}

/**
 * Request bodies for a scenario, the same requests for every candidate: one for 1 and 2; for 3,
 * `count` (country, date) pairs since 2000; for 2b, `count` (nationality, date) pairs since the
 * passport data set's first snapshot (2019-11-23), the span of the real data issue 13 brings in.
 */
export function requestBodies(family: Family, scenario: Scenario, keys: DatasetKeys, count = 256): string[] {
  const query = DOCUMENTS[family][scenario];
  switch (scenario) {
    case 'feed':
    case 'countries':
      return [JSON.stringify({ query })];
    case 'history':
      return pairs(keys.countryCodes, Date.UTC(2000, 0, 1), 7, count).map((variables) => JSON.stringify({ query, variables }));
    case 'passport':
      return pairs(keys.nationalities, Date.UTC(2019, 10, 23), 11, count).map((variables) => JSON.stringify({ query, variables }));
  }
}
