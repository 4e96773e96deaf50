import { capturingLogger } from '../helpers/log-capture';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * Early hits (src/server/early-hits.ts): once a public read's exact request
 * got an answer from the response cache, the same request is answered before
 * Express and Apollo, with the same status, headers and body, counted in the
 * same metrics, and emptied by a write like every cached answer.
 */
const ORIGIN = 'https://app.example.org';
let server: TestServer;
const logs = capturingLogger('debug');

beforeAll(async () => {
  // No relay polling: a write is heard of at once by the instance that made it, and only then.
  server = await startTestServer({ env: { FEED_POLL_MS: '3600000', CORS_ORIGINS: ORIGIN }, logger: logs.logger });
});
afterAll(() => server.stop());

async function metric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  const escaped = `${name}${labels}`.replace(/[{}"]/g, (char) => `\\${char}`);
  return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

const EARLY = 'borderwatch_response_cache_early_hits_total';
const HITS = ['borderwatch_response_cache_lookups_total', '{result="hit"}'] as const;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function send(init: { method: 'GET' | 'POST'; url?: string; body?: string; headers?: Record<string, string> }): Promise<Answer> {
  const response = await fetch(init.url ?? server.url, { method: init.method, headers: init.headers ?? {}, ...(init.body ? { body: init.body } : {}) });
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id' && name !== 'keep-alive' && name !== 'connection'));
  return { status: response.status, headers, body: await response.text() };
}

/**
 * Executes a request (its answer is kept, and learnt for its bytes); sends `variant` (other bytes,
 * the same operation: a hit in Apollo's pipeline); then the request again, which is an early hit.
 */
async function threeTimes(request: Parameters<typeof send>[0], variant: Parameters<typeof send>[0]) {
  const executed = await send(request);
  const early0 = await metric(EARLY);
  const pipeline = await send(variant);
  const early1 = await metric(EARLY);
  const hits1 = await metric(...HITS);
  const early = await send(request);
  return {
    executed,
    pipeline,
    early,
    pipelineWasEarly: early1 - early0,
    earlyCounted: (await metric(EARLY)) - early1,
    hitsCounted: (await metric(...HITS)) - hits1,
  };
}

const QUERY = 'query Iceland { country(code: "IS") { name currentPolicies(category: TRANSIT) { title } } }';
const post = (query: string, headers: Record<string, string> = {}, spacing?: number) => ({
  method: 'POST' as const,
  body: JSON.stringify({ query }, null, spacing),
  headers: { 'content-type': 'application/json', ...headers },
});
/** The same request in other bytes. */
const spaced = (query: string, headers: Record<string, string> = {}) => post(query, headers, 2);

describe('early hits', () => {
  it('answer a repeated POST with the same status, headers and body as the pipeline hit, counted as a hit and an operation', async () => {
    const operations = () => metric('borderwatch_graphql_operations_total', '{transport="http",type="query",operation="Iceland",outcome="ok"}');
    const before = await operations();
    const responses = await metric('borderwatch_http_responses_total', '{status="200"}');
    const run = await threeTimes(post(QUERY), spaced(QUERY));
    expect(run.pipelineWasEarly).toBe(0);
    expect(run.earlyCounted).toBe(1);
    expect(run.hitsCounted).toBe(1);
    expect(run.early).toEqual(run.pipeline);
    expect(run.early.body).toBe(run.executed.body);
    expect(run.early.headers['cache-control']).toBe('max-age=30, public');
    expect(run.early.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(await operations()).toBe(before + 3);
    // Learnt from the answer that was kept: the first repetition is already early.
    expect((await send(post(QUERY))).body).toBe(run.executed.body);
    // /metrics itself is a 200 too: the three answers, and the two metrics reads between them.
    expect(await metric('borderwatch_http_responses_total', '{status="200"}')).toBeGreaterThanOrEqual(responses + 3);
  });

  it('answer a GET by hash-free URL, with the CORS headers of an allowed origin, and uncompressed as the pipeline answers', async () => {
    const url = `${server.url}?query=${encodeURIComponent('{ country(code: "NO") { name } }')}`;
    const headers = { 'apollo-require-preflight': 'true', origin: ORIGIN, 'accept-encoding': 'gzip, br' };
    const run = await threeTimes({ method: 'GET', url, headers }, { method: 'GET', url: `${url}&variables=%7B%7D`, headers });
    expect(run.pipelineWasEarly).toBe(0);
    expect(run.earlyCounted).toBe(1);
    expect(run.early).toEqual(run.pipeline);
    expect(run.early.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(run.early.headers['content-encoding']).toBeUndefined();
    // Another origin is another answer (no CORS header): not the same entry.
    const other = await send({ method: 'GET', url, headers: { 'apollo-require-preflight': 'true' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keep the request id of each request, and write the log lines a pipeline hit writes', async () => {
    const query = 'query Denmark { country(code: "DK") { name } }';
    await send(post(query));
    const linesOf = (requestId: string) =>
      logs
        .lines()
        .filter((line) => line.requestId === requestId)
        .map(({ msg, method, path, status, operation, type, outcome }) => ({ msg, method, path, status, operation, type, outcome }));
    const before = await metric(EARLY);
    const pipeline = await fetch(server.url, spaced(query, { 'x-request-id': 'pipeline-hit-42' }));
    const early = await fetch(server.url, post(query, { 'x-request-id': 'early-hit-42' }));
    expect(await metric(EARLY)).toBe(before + 1);
    expect(early.headers.get('x-request-id')).toBe('early-hit-42');
    expect(pipeline.headers.get('x-request-id')).toBe('pipeline-hit-42');
    expect(linesOf('early-hit-42')).toEqual(linesOf('pipeline-hit-42'));
    expect(linesOf('early-hit-42')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'request', method: 'POST', path: '/graphql', status: 200 }),
        expect.objectContaining({ msg: 'graphql operation', operation: 'Denmark', type: 'query', outcome: 'ok' }),
      ]),
    );
  });

  it('are emptied by a write: the writer reads its own write next', async () => {
    const run = await threeTimes(post(QUERY), spaced(QUERY));
    expect(run.earlyCounted).toBe(1);
    const title = `Early hits see writes ${Date.now()}`;
    const written = await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'IS', category: 'TRANSIT', effectiveFrom: '2024-01-01', title });
    expect(written.errors).toBeUndefined();
    const early = await metric(EARLY);
    const after = await send(post(QUERY));
    expect(JSON.parse(after.body).data.country.currentPolicies).toEqual([{ title }]);
    expect(await metric(EARLY)).toBe(early);
  });

  it('never answer a request with a token, nor one whose answer was not kept', async () => {
    const headers = await editorHeaders(server.app);
    const early = await metric(EARLY);
    for (let i = 0; i < 3; i += 1) await send(post('{ country(code: "SE") { name } }', headers));
    const bad = '{ country(code: "SE") { policiesAt(date: "2022-01-01", nationality: "QQ") { id } } }';
    for (let i = 0; i < 3; i += 1) expect(JSON.parse((await send(post(bad))).body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await metric(EARLY)).toBe(early);
  });

  it('leave a body they read but cannot answer to the usual checks (malformed JSON is 400 BAD_REQUEST)', async () => {
    const answer = await send({ method: 'POST', body: '{"query": ', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
    const strict = await send({ method: 'POST', body: '"{ __typename }"', headers: { 'content-type': 'application/json' } });
    expect(strict.status).toBe(400);
  });
});
