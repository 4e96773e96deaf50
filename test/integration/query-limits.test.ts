import { getIntrospectionQuery } from 'graphql';
import { gql, gqlData } from '../helpers/graphql';
import { ask, onPolicy, type Transport } from '../helpers/operations';
import { RawSocket } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * RELIABILITY B1–B9 and C5: every limit holds on every transport (HTTP, WebSocket,
 * Server-Sent Events), with the same code. Limits here are the defaults (MAX_QUERY_DEPTH 15, MAX_QUERY_COST
 * 20000, MAX_QUERY_TOKENS 2000, MAX_QUERY_ALIASES 15, MAX_QUERY_DIRECTIVES 50).
 */
let server: TestServer;
let socket: RawSocket;
/** A cursor a few entries back: a subscription from it answers at once with a replayed entry. */
let after: string;

beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
  socket = await RawSocket.ready(server.app.wsUrl);
  const { feed } = await gqlData(server.url, '{ feed(first: 3) { edges { cursor } } }');
  after = feed.edges[2].cursor;
});
afterAll(async () => {
  socket.close();
  await server.stop();
});

const transports: Transport[] = ['http', 'ws', 'sse'];
const target = () => ({ url: server.url, socket });
const askOn = (transport: Transport, selection: string, fragments = '', variables: Record<string, unknown> = {}) =>
  ask(transport, target(), onPolicy(transport, selection, fragments), transport === 'http' ? variables : { after, ...variables });

/** A selection on Policy nesting `previous` so the whole operation is `depth` deep (the selection starts at depth 4). */
const nested = (depth: number) => `${'previous { '.repeat(depth - 4)}id${' }'.repeat(depth - 4)}`;

describe.each(transports)('over %s', (transport) => {
  const refusedStatus = { http: 400, ws: 101, sse: 200 }[transport];

  it('answers an operation 8 deep, and refuses 16 and 100 deep with QUERY_TOO_DEEP, quickly', async () => {
    expect((await askOn(transport, nested(8))).outcome).toBe('ok');
    for (const depth of [16, 100]) {
      const answer = await askOn(transport, nested(depth));
      expect(answer).toMatchObject({ outcome: 'QUERY_TOO_DEEP', status: refusedStatus });
      expect(answer.messages[0]).toContain(`nests fields ${depth} deep; the limit is 15`);
      expect(answer.ms).toBeLessThan(1000);
    }
  });

  it('refuses more than 15 aliases with TOO_MANY_ALIASES, and answers 15', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: title`).join(' ');
    expect((await askOn(transport, aliases(15))).outcome).toBe('ok');
    const answer = await askOn(transport, aliases(16));
    expect(answer).toMatchObject({ outcome: 'TOO_MANY_ALIASES', status: refusedStatus });
  });

  it('answers a field repeated 700 times quickly, refuses 1500 with QUERY_TOO_COMPLEX, and a document over 2000 tokens with TOO_MANY_TOKENS', async () => {
    const repeated = await askOn(transport, 'id '.repeat(700));
    expect(repeated.outcome).toBe('ok');
    expect(repeated.ms).toBeLessThan(2000);
    // graphql-js stops comparing overlapping fields past a budget; the client is told why.
    const duplicated = await askOn(transport, 'id '.repeat(1500));
    expect(duplicated).toMatchObject({ outcome: 'QUERY_TOO_COMPLEX', status: refusedStatus });
    expect(duplicated.messages[0]).toContain('too complex to validate');
    expect(duplicated.ms).toBeLessThan(2000);
    const bomb = await askOn(transport, '__typename '.repeat(2500));
    expect(bomb).toMatchObject({ outcome: 'TOO_MANY_TOKENS', status: refusedStatus });
    expect(bomb.messages[0]).toBe('The document has more than 2000 tokens; the limit is 2000.');
    expect(bomb.ms).toBeLessThan(1000);
  });

  it('refuses circular fragments with GRAPHQL_VALIDATION_FAILED', async () => {
    const answer = await askOn(transport, '...A', 'fragment A on Policy { id ...B } fragment B on Policy { title ...A }');
    expect(answer).toMatchObject({ outcome: 'GRAPHQL_VALIDATION_FAILED', status: refusedStatus });
    expect(answer.messages.join(' ')).toContain('Cannot spread fragment "A" within itself');
  });

  it('refuses fragments that double at each of 40 levels with QUERY_TOO_COMPLEX, without expanding them', async () => {
    const fragments = ['fragment F0 on Policy { id }'];
    for (let i = 1; i <= 40; i += 1) fragments.push(`fragment F${i} on Policy { ...F${i - 1} ... on Policy { ...F${i - 1} } }`);
    const answer = await askOn(transport, '...F40', fragments.join(' '));
    expect(answer).toMatchObject({ outcome: 'QUERY_TOO_COMPLEX', status: refusedStatus });
    expect(answer.ms).toBeLessThan(1000);
  });

  it('refuses 60 directives with TOO_MANY_DIRECTIVES and a short list of errors', async () => {
    const answer = await askOn(transport, `id ${'@aa '.repeat(60)}`);
    expect(answer.codes).toContain('TOO_MANY_DIRECTIVES');
    expect(answer.status).toBe(refusedStatus);
    expect(answer.codes.length).toBeLessThanOrEqual(11);
    expect(answer.ms).toBeLessThan(1000);
  });

  it('counts page sizes given in variables: a small page is answered, a costly nesting refused with QUERY_TOO_COMPLEX and the cost', async () => {
    const selection = 'country { policyHistory(first: $first) { edges { node { country { policyHistory(first: $first) { edges { node { id title } } } } } } } }';
    const withFirst = (s: string) => s.replace(/^(query|subscription \(\$after: String)/, (m) => (m === 'query' ? 'query ($first: Int)' : `${m}, $first: Int`));
    const run = (first: number) =>
      ask(transport, target(), withFirst(onPolicy(transport, selection)), transport === 'http' ? { first } : { after, first });
    expect((await run(5)).outcome).toBe('ok');
    const refused = await run(100);
    expect(refused).toMatchObject({ outcome: 'QUERY_TOO_COMPLEX', status: refusedStatus });
    expect(refused.messages[0]).toMatch(/^The operation costs \d+; the limit is 20000\./);
  });

  it('refuses a page of a million with BAD_USER_INPUT naming first, as for any page over the maximum', async () => {
    const answer = await askOn(transport, 'country { policyHistory(first: 1000000) { totalCount } }');
    expect(answer.outcome).toBe('BAD_USER_INPUT');
    expect(answer.messages[0]).toBe('first: must be between 0 and 100');
  });
});

describe('introspection (on by default)', () => {
  it('answers the standard introspection query, which GraphiQL sends', async () => {
    const result = await gql(server.url, getIntrospectionQuery());
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });

  it('refuses a circular introspection query (graphql-js MaxIntrospectionDepthRule, and the cost limit behind it)', async () => {
    const circular = '{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }';
    const result = await gql(server.url, circular);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]).toMatchObject({ message: 'Maximum introspection depth exceeded', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});
