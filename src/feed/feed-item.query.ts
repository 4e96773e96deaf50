/**
 * The GraphQL query a news-feed item links to: the feed's first item after
 * `position`, which is the item itself (see FeedArticles). The cursor is
 * written into the query, not passed as a variable, so the whole operation
 * fits in one `query` URL parameter that the playground opens in a tab.
 */
export function feedItemQuery(position: string): string {
  return `# One item of the news feed, with its sources. Press the run button.
query FeedItem {
  feed(first: 1, after: ${JSON.stringify(position)}) {
    edges {
      cursor
      kind
      committedAt
      node {
        __typename
        ... on PolicyChange {
          direction
          policy { title status effectiveFrom summary country { name } sources { title publisher url } }
          previous { title status effectiveFrom }
        }
        ... on Statement { speaker speakerRole saidAt text country { name } sources { title publisher url } }
        ... on Event { title occurredOn description figure { value unit qualifier } sources { title publisher url } }
        ... on Retraction { reason target { __typename ... on Policy { title } ... on Statement { speaker text } ... on Event { title } } }
      }
    }
  }
}
`;
}
