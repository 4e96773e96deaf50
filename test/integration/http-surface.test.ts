import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { auditServer } from 'graphql-http';
import { errorCode } from '../helpers/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { RECORD_POLICY_CHANGE, policyInput, recordPolicyChange } from '../helpers/writes';

/** RELIABILITY A1–A13: what the HTTP endpoint answers to anything anyone may send it. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ template: 'bare', env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' } });
});
afterAll(() => server.stop());

const get = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers });

async function post(body: string | Buffer, contentType = 'application/json', method = 'POST'): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const response = await fetch(server.url, { method, headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the assertions say so
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe('requests a browser could be tricked into sending', () => {
  it('blocks a simple GET (CSRF prevention) and answers it with a preflight header', async () => {
    const simple = await get('{ __typename }');
    expect(simple.status).toBe(400);
    expect(await simple.text()).toContain('This operation has been blocked as a potential Cross-Site Request Forgery');
    const preflighted = await get('{ __typename }', { 'apollo-require-preflight': '1' });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers a GET with a non-JSON content type with 400 (CSRF) or, preflighted, 415; and a text/plain POST with 400', async () => {
    expect((await get('{ __typename }', { 'content-type': 'text/plain' })).status).toBe(400);
    const preflighted = await get('{ __typename }', { 'content-type': 'text/plain', 'apollo-require-preflight': '1' });
    expect(preflighted.status).toBe(415);
    expect(((await preflighted.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    const plain = await post(JSON.stringify({ query: '{ __typename }' }), 'text/plain');
    expect(plain.status).toBe(400);
    expect(plain.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses a mutation over GET with 405 and Allow: POST, writing nothing', async () => {
    const headers = { 'apollo-require-preflight': '1', ...(await editorHeaders(server.app)) };
    const response = await fetch(`${server.url}?query=${encodeURIComponent(RECORD_POLICY_CHANGE)}&variables=${encodeURIComponent(JSON.stringify({ input: policyInput() }))}`, { headers });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await server.app.db.prisma.policy.count()).toBe(0);
  });

  it('answers other methods with 405', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await post(JSON.stringify({ query: '{ __typename }' }), 'application/json', method);
      expect({ method, status: response.status }).toEqual({ method, status: 405 });
    }
  });
});

describe('malformed requests', () => {
  it.each([
    ['a syntax error', 400, 'GRAPHQL_PARSE_FAILED', { query: '{ countries(first: 1) { totalCount ' }],
    ['an unknown field', 400, 'GRAPHQL_VALIDATION_FAILED', { query: '{ nope }' }],
    ['a variable of the wrong type', 400, 'BAD_USER_INPUT', { query: 'query ($n: Int) { countries(first: $n) { totalCount } }', variables: { n: 'many' } }],
    ['an unknown operationName', 400, 'OPERATION_RESOLUTION_FAILURE', { query: 'query A { __typename }', operationName: 'B' }],
    ['no query', 400, 'BAD_REQUEST', {}],
    ['a batch of operations (batching is off)', 400, 'BAD_REQUEST', [{ query: '{ __typename }' }, { query: '{ __typename }' }]],
  ])('answers %s with %i and %s', async (_what, status, code, body) => {
    const response = await post(JSON.stringify(body));
    expect(response.status).toBe(status);
    expect(response.json.errors[0].extensions.code).toBe(code);
    expect(response.text).not.toMatch(/stacktrace|\n\s+at /);
  });

  it('answers a body that is not JSON, an empty body, and JSON null with 400 and a code, never an HTML page', async () => {
    for (const body of ['{"query": ', '', 'null']) {
      const response = await post(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
  });

  it('says "Operation batching disabled." for a batch', async () => {
    const response = await post(JSON.stringify([{ query: '{ __typename }' }]));
    expect(response.json.errors[0].message).toBe('Operation batching disabled.');
  });
});

describe('bodies', () => {
  it('refuses a body over 100 kB with 413 and PAYLOAD_TOO_LARGE, as JSON', async () => {
    const response = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200 * 1024)}` }));
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json.errors[0]).toEqual({ message: 'The request body is larger than 102400 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it.each(['utf-7', 'iso-8859-1', 'utf-16le'])('refuses JSON in charset %s with 415 and UNSUPPORTED_MEDIA_TYPE', async (charset) => {
    const response = await post(JSON.stringify({ query: '{ __typename }' }), `application/json; charset=${charset}`);
    expect(response.status).toBe(415);
    expect(response.json.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts JSON in UTF-8, said or not', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8']) {
      expect((await post(JSON.stringify({ query: '{ __typename }' }), type)).status).toBe(200);
    }
  });
});

describe('slow clients', () => {
  /** Writes `head` one byte every 100 ms; resolves with how long the server kept the connection and what it answered. */
  function dribble(head: string): Promise<{ ms: number; answer: string }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(server.app.port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < head.length && !socket.destroyed) socket.write(head[sent++]!);
      }, 100);
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: Date.now() - started, answer });
      });
      // A bounded test: whatever happens, the socket goes after 10 s.
      setTimeout(() => socket.destroy(), 10_000).unref();
    });
  }

  it('cuts a client that sends its headers a byte at a time once HTTP_HEADERS_TIMEOUT_MS (1 s here) has passed', async () => {
    const { ms, answer } = await dribble(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`);
    expect(ms).toBeLessThan(3_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('cuts a client that sends its body a byte at a time once HTTP_REQUEST_TIMEOUT_MS (2 s here) has passed', async () => {
    const body = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200)}` });
    const started = Date.now();
    const socket = connect(server.app.port, '127.0.0.1');
    socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let sent = 0;
    const timer = setInterval(() => !socket.destroyed && sent < body.length && socket.write(body[sent++]!), 100);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.on('close', resolve));
    clearInterval(timer);
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });
});

describe('what is never leaked', () => {
  it('refuses a write without a valid token with 401 and UNAUTHENTICATED, writing nothing', async () => {
    const before = await server.app.db.prisma.policy.count();
    for (const headers of [{}, { authorization: 'Bearer bw_not-a-token' }, { authorization: 'Basic abc' }] as Array<Record<string, string>>) {
      const result = await recordPolicyChange(server.url, headers);
      expect(result.status).toBe(401);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    }
    const revoked = await editorHeaders(server.app, 'soon-revoked');
    await server.app.services.tokens.revoke('soon-revoked');
    expect(errorCode(await recordPolicyChange(server.url, revoked))).toBe('UNAUTHENTICATED');
    expect(await server.app.db.prisma.policy.count()).toBe(before);
  });

  it('answers a conflicting write with CONFLICT and a plain message: no Prisma, SQL or stack', async () => {
    const headers = await editorHeaders(server.app);
    const first = await recordPolicyChange(server.url, headers, { countryCode: 'NO' });
    expect(first.errors).toBeUndefined();
    const stale = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: RECORD_POLICY_CHANGE, variables: { input: policyInput({ countryCode: 'NO', expectedPreviousId: '00000000-0000-4000-8000-000000000000' }) } }),
    });
    const text = await stale.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('CONFLICT');
    expect(text).not.toMatch(/prisma|invocation|SELECT|INSERT|\n\s+at /i);
  });

  it('echoes a sane X-Request-Id and makes up one otherwise', async () => {
    const given = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'abc-123' }, body: '{"query":"{__typename}"}' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'no spaces <allowed>' }, body: '{"query":"{__typename}"}' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves no landing page with internals to a browser', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toMatch(/stacktrace|\n\s+at /);
  });
});

describe('persisted queries (APQ)', () => {
  const extensions = (hash: string) => encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, uncached, and a hash that does not match its query with 400', async () => {
    const unknown = await fetch(`${server.url}?extensions=${extensions('0'.repeat(64))}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(unknown.status).toBe(200);
    expect(((await unknown.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.headers.get('cache-control')).toMatch(/private, no-cache/);

    const wrong = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('other').digest('hex') } } }),
    });
    expect(wrong.status).toBe(400);
  });
});

describe('GraphQL over HTTP conformance', () => {
  it('passes every MUST audit of graphql-http', async () => {
    const results = await auditServer({ url: server.url });
    const failures = results.filter((result) => result.status === 'error').map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(failures).toEqual([]);
  });
});
