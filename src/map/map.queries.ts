/**
 * Every GraphQL operation the world map (/map) sends, and nothing else: the page imports them,
 * and the tests run them against a real server (test/integration/map-queries.test.ts), so a
 * frontend developer can copy them as they are. All are public: no token is ever sent.
 */

/** The fields of a policy version the map shows, from a query and from the live feed alike. */
const MAP_POLICY = `fragment MapPolicy on Policy {
  id
  category
  status
  visaRequirement
  maxStayDays
  title
  effectiveFrom
  effectiveTo
}`;

/**
 * Every country, 100 a page (PAGE_SIZE_MAX): the country list, the table, and the ISO 3166-1
 * numeric codes the world's shapes are matched by. Pass `pageInfo.endCursor` as
 * `after` while `hasNextPage`.
 */
export const MAP_COUNTRIES = `query MapCountries($after: String) {
  countries(first: 100, after: $after) {
    edges { node { code numeric name } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The passport chooser: the nationalities with at least one rule recorded, by name, in one request. */
export const MAP_NATIONALITIES = `query MapNationalities {
  nationalities { code country { name } }
}`;

/** The whole map for one nationality on one day: one request, one SQL statement. */
export const MAP_DESTINATIONS = `query MapDestinations($nationality: ID!, $date: Date!) {
  nationality(code: $nationality) {
    code
    destinations(date: $date) {
      country { code }
      visa { visaRequirement maxStayDays }
      policies { ...MapPolicy }
    }
  }
}
${MAP_POLICY}`;

/**
 * What the live list and the map follow for one nationality: policy changes, versions recorded
 * ahead of time reaching their first day, and retractions.
 */
export function liveFilter(nationality: string) {
  return { nationality, kinds: ['POLICY_CHANGE', 'POLICY_IN_FORCE', 'RETRACTION'] };
}

/**
 * The newest feed item matching liveFilter, asked for before the map itself: subscribing after
 * its cursor delivers every change the map's answer might have missed, so none falls in between.
 */
export const MAP_LATEST_CHANGE = `query MapLatestChange($filter: FeedFilter!) {
  feed(first: 1, filter: $filter) { edges { cursor } }
}`;

/**
 * Live changes for one nationality (liveFilter), resumed from the last cursor handled (`after`)
 * after any disconnect: no gap, no duplicate.
 */
export const MAP_LIVE = `subscription MapLive($filter: FeedFilter!, $after: String) {
  feed(filter: $filter, after: $after) {
    cursor
    kind
    committedAt
    node {
      __typename
      ... on PolicyChange {
        direction
        policy { ...MapPolicy countryCode nationality country { name } }
      }
      ... on PolicyInForce {
        direction
        policy { ...MapPolicy countryCode nationality country { name } }
      }
      ... on Retraction {
        reason
        target { __typename ... on Policy { id countryCode nationality country { name } } }
      }
    }
  }
}
${MAP_POLICY}`;

/** The side panel: one country's story for one nationality, as of one day, with every source. */
export const MAP_COUNTRY_STORY = `query MapCountryStory($code: ID!, $nationality: String!, $date: Date!) {
  country(code: $code) {
    code
    name
    region
    subregion
    isEu
    isSchengen
    policiesAt(date: $date, nationality: $nationality) {
      ...MapPolicy
      summary
      changedAfter
      verification
      sources { ...MapSource }
    }
    policyHistory(nationality: $nationality, first: 50) {
      totalCount
      edges { node { ...MapPolicy changedAfter sources { ...MapSource } } }
    }
    statements(first: 20) {
      totalCount
      edges { node { id speaker speakerRole saidAt saidAtPrecision text sources { ...MapSource } } }
    }
    events(first: 20) {
      totalCount
      edges { node { id title kind occurredOn description figure { value unit qualifier } sources { ...MapSource } } }
    }
  }
}
${MAP_POLICY}
fragment MapSource on Source { url title publisher publishedAt }`;

/** Every operation above: the server trusts them all (src/server/trusted-documents.ts) with no manifest entry. */
export const MAP_OPERATIONS: readonly string[] = [MAP_COUNTRIES, MAP_NATIONALITIES, MAP_DESTINATIONS, MAP_LATEST_CHANGE, MAP_LIVE, MAP_COUNTRY_STORY];
