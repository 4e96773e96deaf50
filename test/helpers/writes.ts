import { gql, type GraphQLResponse } from './graphql';

export const RECORD_POLICY_CHANGE = `mutation ($input: RecordPolicyChangeInput!) {
  recordPolicyChange(input: $input) {
    cursor
    direction
    policy { id countryCode category status title effectiveFrom effectiveTo }
    previous { id effectiveTo }
  }
}`;

let counter = 0;

/** A valid recordPolicyChange input; each call a distinct title, so every write is a real change. */
export function policyInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    countryCode: 'FI',
    category: 'TRANSIT',
    status: counter % 2 === 0 ? 'RESTRICTED' : 'CONDITIONAL',
    title: `Test change ${counter} ${Date.now()}`,
    effectiveFrom: '2025-01-01',
    sources: [{ url: 'https://example.org/test-source', title: 'Test source', publisher: 'Borderwatch tests' }],
    ...overrides,
  };
}

export function recordPolicyChange(url: string, headers: Record<string, string>, overrides: Record<string, unknown> = {}): Promise<GraphQLResponse<any>> {
  return gql(url, RECORD_POLICY_CHANGE, { input: policyInput(overrides) }, headers);
}

export const FEED_SUBSCRIPTION = `subscription ($filter: FeedFilter, $after: String) {
  feed(filter: $filter, after: $after) {
    cursor
    kind
    node {
      __typename
      ... on PolicyChange { direction policy { id title countryCode } }
      ... on Statement { id text }
      ... on Event { id title }
      ... on Retraction { reason target { __typename ... on Policy { id } ... on Statement { id } ... on Event { id } } }
    }
  }
}`;
