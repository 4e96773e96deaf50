/**
 * The GraphQL query a news-feed item links to: `node` with the id of the
 * record the item is about (the new policy version, the statement, the event,
 * or the retracted record), so the link names the record rather than a
 * position in the feed. The document is the same for every item (the id is a
 * variable), so it can be a trusted document (src/server/trusted-documents.ts);
 * the playground opens `?query=…&variables=…` in a tab of its own.
 * (The statement's country is aliased: it is nullable, a policy's is not, and
 * one selection may not mix the two.)
 */
export const FEED_ITEM_QUERY = `# The record this news-feed item is about, with its sources. Press the run button.
query FeedItem($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Policy {
      title status category effectiveFrom effectiveTo summary retractedAt retractionReason
      country { name } sources { title publisher url }
      previous { id title status effectiveFrom }
    }
    ... on Statement { speaker speakerRole saidAt text retractedAt retractionReason speaksFor: country { name } sources { title publisher url } }
    ... on Event { title occurredOn description figure { value unit qualifier } retractedAt retractionReason sources { title publisher url } }
  }
}
`;

/** The playground URL (the GraphQL URL, opened by a browser) that runs FEED_ITEM_QUERY for one record. */
export function feedItemLink(graphqlUrl: string, recordId: string): string {
  return `${graphqlUrl}?query=${encodeURIComponent(FEED_ITEM_QUERY)}&variables=${encodeURIComponent(JSON.stringify({ id: recordId }))}`;
}
