/**
 * The operations the playground opens with, one tab each. They live beside
 * the server code (not in the browser bundle's folder) so that the test
 * suite runs every one of them against the seeded data and they cannot rot.
 */
export interface Example {
  /** The operation name, which GraphiQL shows as the tab's title. */
  name: string;
  query: string;
  /** JSON text for the variables editor. */
  variables?: string;
  /** JSON (with comments) text for the headers editor. */
  headers?: string;
}

/** The headers box every tab starts with: where an editor pastes a token. */
export const TOKEN_HEADERS = `{
  // Editors: uncomment and paste your token to run mutations.
  // "Authorization": "Bearer <token>"
}`;

export const EXAMPLES: readonly Example[] = [
  {
    name: 'CountriesNow',
    query: `# Countries with an entry rule for Russian citizens
# in force today. Run it with ▶ or Ctrl+Enter;
# the book icon on the left shows the schema.
query CountriesNow {
  countries(first: 20, filter: { category: ENTRY }) {
    totalCount
    edges {
      node {
        code
        name
        currentPolicies { category status title }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    name: 'FinlandHistory',
    query: `# One country through time: the rules in force on
# two days (see Variables below), and every version.
query FinlandHistory($code: ID!, $before: Date!, $after: Date!) {
  country(code: $code) {
    name
    before: policiesAt(date: $before) { category status title }
    after: policiesAt(date: $after) {
      category status title
      sources { publisher url }
    }
    policyHistory(category: ENTRY, first: 5) {
      edges { node { title status effectiveFrom effectiveTo } }
    }
  }
}
`,
    variables: '{ "code": "FI", "before": "2022-09-01", "after": "2022-10-15" }',
  },
  {
    name: 'Passports',
    query: `# Every passport: which nationalities have data, how
# many destinations each visa requirement covers for
# one passport (and how that changed), and who may
# enter one country. Change the codes in Variables.
query Passports($passport: ID!, $destination: ID!, $date: Date!) {
  nationalities { code country { name } }
  nationality(code: $passport) {
    visaCounts(date: $date) { total counts { visaRequirement count } }
    visaCountsHistory(from: "2022-01-01", to: $date) {
      date
      counts { visaRequirement count }
    }
  }
  country(code: $destination) {
    name
    entryCounts(date: $date) { total counts { visaRequirement count } }
    admits(date: $date) { code country { name } }
  }
}
`,
    variables: '{ "passport": "RU", "destination": "RU", "date": "2023-06-01" }',
  },
  {
    name: 'LatestNews',
    query: `# The news feed, newest first. For the next page,
# pass pageInfo.endCursor as "after" (Variables).
query LatestNews($after: String) {
  feed(first: 10, after: $after) {
    edges {
      cursor
      kind
      committedAt
      node {
        __typename
        ... on PolicyChange {
          direction
          policy { title effectiveFrom country { name } }
        }
        ... on PolicyInForce {
          policy { title effectiveFrom country { name } }
          previous { title }
        }
        ... on Statement { speaker text }
        ... on Event { title occurredOn figure { value unit } }
        ... on Retraction { reason }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    name: 'LiveFeed',
    query: `# Live: every change as it is committed (graphql-ws).
# Run it and keep the tab open: new items appear on
# the right. With "after" set to the cursor of the
# last item you saw, everything since comes first.
subscription LiveFeed($after: String) {
  feed(after: $after) {
    cursor
    kind
    committedAt
    node {
      __typename
      ... on PolicyChange {
        direction
        policy { title status country { name } }
      }
      ... on PolicyInForce {
        policy { title status country { name } }
        previous { title }
      }
      ... on Statement { speaker text }
      ... on Event { title }
      ... on Retraction { reason }
    }
  }
}
`,
  },
  {
    name: 'RecordPolicyChange',
    query: `# Editors only: put your token in Headers below.
mutation RecordPolicyChange($input: RecordPolicyChangeInput!) {
  recordPolicyChange(input: $input) {
    cursor
    direction
    policy { id title status effectiveFrom }
    previous { id title effectiveTo }
  }
}
`,
    variables: `{
  "input": {
    "countryCode": "FI",
    "category": "ENTRY",
    "status": "CLOSED",
    "title": "Describe the new policy",
    "effectiveFrom": "2025-01-01",
    "sources": [{ "url": "https://example.org/announcement", "title": "The announcement" }]
  }
}`,
  },
];
