/**
 * The GraphQL documents of scenarios 1-3. Borderwatch, the naive baseline and the floor serve
 * the same schema and get the same documents; PostGraphile's generated schema gets documents
 * asking for the same data (its Relay connections, its relation names).
 */
export type Family = 'borderwatch' | 'postgraphile';
export type Scenario = 'feed' | 'countries' | 'history';

export const SCENARIOS: Scenario[] = ['feed', 'countries', 'history'];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  feed: '1. Feed page: feed(first: 50) with country, policy, previous, sources',
  countries: '2. Country map: countries(first: 250) { currentPolicies { status } }',
  history: '3. History: country(code) { policiesAt(date) policyHistory(first: 100) }',
};

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

export const DOCUMENTS: Record<Family, Record<Scenario, string>> = {
  borderwatch: { feed: FEED_BW, countries: COUNTRIES_BW, history: HISTORY_BW },
  postgraphile: { feed: FEED_PGL, countries: COUNTRIES_PGL, history: HISTORY_PGL },
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

/** Request bodies for a scenario: one for 1 and 2, `count` random (country, date) pairs for 3. */
export function requestBodies(family: Family, scenario: Scenario, countryCodes: readonly string[], count = 256): string[] {
  const query = DOCUMENTS[family][scenario];
  if (scenario !== 'history') return [JSON.stringify({ query })];
  const random = prng(7);
  const start = Date.UTC(2000, 0, 1);
  const span = Date.now() - start;
  return Array.from({ length: count }, () => {
    const code = countryCodes[Math.floor(random() * countryCodes.length)]!;
    const date = new Date(start + Math.floor(random() * span)).toISOString().slice(0, 10);
    return JSON.stringify({ query, variables: { code, date } });
  });
}
