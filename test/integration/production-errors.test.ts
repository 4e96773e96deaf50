import { gql, gqlData } from '../helpers/graphql';
import { capturingLogger } from '../helpers/log-capture';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * RELIABILITY A6, A7 and finding 5: with NODE_ENV=production. Introspection
 * stays on unless INTROSPECTION=false (exploring the API is a use case); an
 * unexpected error reaches the client as a generic message with the request
 * id that is in the log, on both transports.
 */
describe('NODE_ENV=production, defaults', () => {
  let server: TestServer;
  const logs = capturingLogger('info');

  beforeAll(async () => {
    server = await startTestServer({ template: 'seeded', env: { NODE_ENV: 'production' }, logger: logs.logger });
  });
  afterAll(() => server.stop());

  it('keeps introspection on, and suggests field names', async () => {
    expect(await gqlData(server.url, '{ __schema { queryType { name } } }')).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const typo = await gql(server.url, '{ policie { totalCount } }');
    expect(typo.errors?.[0]?.message).toContain('Did you mean "policies"?');
  });

  it('answers an unexpected failure with INTERNAL_SERVER_ERROR, a generic message and the request id that the log has with the cause', async () => {
    // Sabotage: the sources' link table disappears, as a broken migration would leave it.
    await server.app.db.prisma.$executeRawUnsafe('ALTER TABLE policy_source RENAME TO policy_source_gone');
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ policies(first: 1) { edges { node { title sources { url } } } } }' }),
      });
      const text = await response.text();
      const body = JSON.parse(text);
      expect(response.status).toBe(200);
      expect(body.errors[0]).toEqual({
        message: 'Internal server error',
        path: ['policies', 'edges', 0, 'node', 'sources'],
        locations: expect.any(Array),
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: response.headers.get('x-request-id') },
      });
      expect(text).not.toMatch(/prisma|invocation|policy_source|SELECT|stacktrace|\n\s+at /i);
      const logged = logs.lines().find((line) => line.msg === 'unexpected error' && line.requestId === body.errors[0].extensions.requestId);
      expect(logged?.err?.message).toMatch(/policy_source/);

      // The same over WebSocket: a subscription replaying an entry whose sources fail.
      const { feed } = await gqlData(server.url, '{ feed(first: 5, filter: { kinds: [POLICY_CHANGE] }) { edges { cursor } } }');
      const socket = await RawSocket.ready(server.app.wsUrl);
      try {
        socket.subscribe('s', 'subscription ($after: String) { policyChanged(after: $after) { policy { title sources { url } } } }', { after: feed.edges[4].cursor });
        const frame = await socket.answer('s');
        const error = frame.payload.errors[0];
        expect(error).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } });
        expect(JSON.stringify(frame)).not.toMatch(/prisma|policy_source/i);
        expect(logs.lines().some((line) => line.msg === 'unexpected error' && line.requestId === error.extensions.requestId)).toBe(true);
      } finally {
        socket.close();
      }
    } finally {
      await server.app.db.prisma.$executeRawUnsafe('ALTER TABLE policy_source_gone RENAME TO policy_source');
    }
  });

  it('logs each request with its id, never the token or the client address', async () => {
    const headers = await editorHeaders(server.app);
    const token = headers.authorization!.split(' ')[1]!;
    const written = await recordPolicyChange(server.url, { ...headers, 'x-request-id': 'req-with-token' });
    expect(written.errors).toBeUndefined();
    const line = logs.lines().find((l) => l.requestId === 'req-with-token' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200, ms: expect.any(Number) });
    expect(logs.text()).not.toContain(token);
    expect(JSON.stringify(line)).not.toContain('127.0.0.1');
  });
});

describe('NODE_ENV=production, INTROSPECTION=false', () => {
  let server: TestServer;
  let socket: RawSocket;

  beforeAll(async () => {
    server = await startTestServer({ template: 'bare', env: { NODE_ENV: 'production', INTROSPECTION: 'false' } });
    socket = await RawSocket.ready(server.app.wsUrl);
  });
  afterAll(async () => {
    socket.close();
    await server.stop();
  });

  it('refuses __schema and __type over HTTP with 400 and INTROSPECTION_DISABLED; __typename still works', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Policy") { fields { name } } }']) {
      const result = await gql(server.url, query);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    }
    expect(await gqlData(server.url, '{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('does not describe the schema in error messages on either transport: no "Did you mean"', async () => {
    const http = await gql(server.url, '{ policie { totalCount } }');
    expect(http.errors?.[0]).toMatchObject({ message: 'Cannot query field "policie" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    socket.subscribe('typo', 'subscription { fed { cursor } }');
    const frame = await socket.answer('typo');
    expect(frame.payload[0]).toMatchObject({ message: 'Cannot query field "fed" on type "Subscription".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    socket.subscribe('schema', 'subscription { feed { node { ... on __Schema { types { name } } } } }');
    expect(JSON.stringify(await socket.answer('schema'))).not.toContain('Did you mean');
  });
});
