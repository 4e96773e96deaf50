import type { GraphiQLProps } from 'graphiql';
import { EXAMPLES, TOKEN_HEADERS } from '../src/playground/examples';

export type TabDefinition = NonNullable<GraphiQLProps['defaultTabs']>[number];

/** An operation handed in the page's URL (`?query=…&variables=…`), as the news feeds link to their items. */
export function linkedOperation(search: string): TabDefinition | null {
  const params = new URLSearchParams(search);
  const query = params.get('query');
  if (!query) return null;
  return { query, variables: params.get('variables'), headers: TOKEN_HEADERS };
}

/** The tabs a first visit opens with: the linked operation if any, then the examples. */
export function defaultTabs(linked: TabDefinition | null): TabDefinition[] {
  const examples = EXAMPLES.map((example) => ({
    query: example.query,
    variables: example.variables ?? null,
    headers: example.headers ?? TOKEN_HEADERS,
  }));
  return linked ? [linked, ...examples] : examples;
}
