/** The GraphQL endpoint beside the page: /map is served next to /graphql, whatever the host or prefix. */
export const GRAPHQL_URL = new URL('graphql', `${location.origin}${location.pathname.replace(/\/+$/, '')}`).href;
export const GRAPHQL_WS_URL = GRAPHQL_URL.replace(/^http/, 'ws');

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

export class ApiError extends Error {
  constructor(readonly errors: GraphQLErrorBody[]) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
  }
}

/** One public query (no token: the map only reads). */
export async function query<T>(document: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: document, variables }),
    ...(signal ? { signal } : {}),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphQLErrorBody[] };
  if (body.errors?.length) throw new ApiError(body.errors);
  if (!body.data) throw new Error(`the API answered ${response.status} without data`);
  return body.data;
}
