export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

/** POSTs one operation the way a frontend would, and returns the parsed body with the status. */
export async function gql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}

/** Like gql, but fails the test on any error and returns data. */
export async function gqlData<T = any>(url: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T> {
  const result = await gql<T>(url, query, variables, headers);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** The first error's code, for asserting refusals. */
export function errorCode(result: GraphQLResponse): unknown {
  return result.errors?.[0]?.extensions?.code;
}
