/**
 * The GraphQL query a news-feed item links to: `node` with the id of the
 * record the item is about (the new policy version, the statement, the event,
 * or the retracted record), so the link names the record rather than a
 * position in the feed. The id is written into the query, not passed as a
 * variable, so the whole operation fits in one `query` URL parameter that the
 * playground opens in a tab.
 */
// (The statement's country is aliased: it is nullable, a policy's is not, and one selection may not mix the two.)
export function feedItemQuery(recordId: string): string {
  return `# The record this news-feed item is about, with its sources. Press the run button.
query FeedItem {
  node(id: ${JSON.stringify(recordId)}) {
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
}
