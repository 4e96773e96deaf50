/** What honest frontends ask, as the README's examples ask it. */

export const COUNTRIES = `query Countries($first: Int, $after: String) {
  countries(first: $first, after: $after) {
    totalCount
    edges { cursor node { code name currentPolicies { category status title } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

export const HISTORY = `query History($code: ID!, $category: PolicyCategory, $date: Date!, $first: Int) {
  country(code: $code) {
    name
    policiesAt(date: $date) { category status title }
    policyHistory(category: $category, first: $first) {
      totalCount
      edges { node { id title effectiveFrom effectiveTo sources { publisher url } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const FEED_PAGE = `query Feed($first: Int, $after: String, $filter: FeedFilter) {
  feed(first: $first, after: $after, filter: $filter) {
    edges {
      cursor
      kind
      committedAt
      node {
        __typename
        ... on PolicyChange { direction policy { title effectiveFrom country { name } } previous { title } }
        ... on Statement { speaker text }
        ... on Event { title figure { value unit } }
        ... on Retraction { reason }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const STATEMENTS_EVENTS = `query Said($first: Int) {
  statements(first: $first) { edges { node { id speaker saidAt text sources { url } } } pageInfo { endCursor } }
  events(first: $first) { edges { node { id title occurredOn figure { value unit } } } pageInfo { endCursor } }
}`;

/** The newest feed cursor, where a live client starts (README: "start right after the newest item the page shows"). */
export const NEWEST = `query Newest { feed(first: 1) { edges { cursor } } }`;

/** The archive's subscription: the whole of each item, so that a replay is a few megabytes (and a slow reader falls behind). */
export const ARCHIVE_SUBSCRIPTION = `subscription Archive($filter: FeedFilter, $after: String) {
  feed(filter: $filter, after: $after) {
    cursor
    kind
    committedAt
    node {
      __typename
      ... on PolicyChange {
        direction
        policy { id title summary category status effectiveFrom effectiveTo country { code name alpha3 } sources { url title publisher } }
        previous { id title status effectiveFrom effectiveTo sources { url title publisher } }
      }
      ... on Statement { id speaker speakerRole text saidAt sources { url title publisher } }
      ... on Event { id title description occurredOn sources { url title publisher } }
      ... on Retraction { reason target { __typename ... on Policy { id } ... on Statement { id } ... on Event { id } } }
    }
  }
}`;

export const POLICY_CHANGED = `subscription PolicyChanged($filter: PolicyChangedFilter, $after: String) {
  policyChanged(filter: $filter, after: $after) { cursor direction policy { id countryCode category status } }
}`;

export const RECORD_POLICY_CHANGE = `mutation Record($input: RecordPolicyChangeInput!) {
  recordPolicyChange(input: $input) { cursor direction policy { id } }
}`;

export const ADD_STATEMENT = `mutation Say($input: AddStatementInput!) { addStatement(input: $input) { id } }`;

export const ADD_EVENT = `mutation Happen($input: AddEventInput!) { addEvent(input: $input) { id } }`;

export const RETRACT = `mutation Retract($id: ID!, $reason: String!) {
  retract(id: $id, reason: $reason) { reason target { __typename ... on Statement { id } ... on Event { id } ... on Policy { id } } }
}`;

/** Countries the honest clients care about: the story's neighbours. */
export const COUNTRIES_OF_INTEREST = ['FI', 'EE', 'LV', 'LT', 'PL', 'KZ', 'GE', 'MN', 'AM', 'TR'] as const;

/** Feed cursors are base64url JSON ["feed", "<seq>"] plus a signature: the suite reads the number to compare with PostgreSQL. */
export function seqOfCursor(cursor: string): bigint {
  const [, seq] = JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('utf8')) as [string, string];
  return BigInt(seq);
}
