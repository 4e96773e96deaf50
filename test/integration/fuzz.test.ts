import fc from 'fast-check';
import { RawSocket, type Frame } from '../helpers/raw-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { FEED_SUBSCRIPTION, RECORD_POLICY_CHANGE } from '../helpers/writes';

/**
 * Random and mutated operations, variables and bodies thrown at both
 * transports (fast-check). Every refusal carries a code and no internals,
 * nothing answers 5xx, the process stays up, and the database keeps its
 * invariants. FUZZ_SEED replays a run; FUZZ_RUNS changes its size.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let server: TestServer;
let editor: Record<string, string>;
let cursor: string;

beforeAll(async () => {
  server = await startTestServer({ template: 'seeded' });
  editor = await editorHeaders(server.app);
  const { data } = (await (await post({ query: '{ feed(first: 3) { edges { cursor } } }' })).json()) as any;
  cursor = data.feed.edges[2].cursor;
});
afterAll(() => server.stop());

function post(body: unknown, headers: Record<string, string> = {}, raw = false): Promise<Response> {
  return fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw ? String(body) : JSON.stringify(body) });
}

const SEEDS = [
  '{ countries(first: 5) { totalCount edges { node { code name currentPolicies { category status } } } } }',
  '{ country(code: "FI") { name before: policiesAt(date: "2022-09-01") { category status title } policyHistory(category: ENTRY, first: 3) { totalCount edges { node { title effectiveFrom effectiveTo } } pageInfo { hasNextPage endCursor } } } }',
  '{ country(code: "KZ") { statements(first: 5) { edges { node { speaker saidAt text sources { url } } } } events(first: 5) { edges { node { title figure { value unit qualifier } } } } } }',
  'query ($first: Int, $after: String) { feed(first: $first, after: $after) { edges { cursor kind node { __typename ... on PolicyChange { direction policy { title } } ... on Statement { speaker } ... on Event { title } } } } }',
  'query ($f: PolicyFilter) { policies(filter: $f, first: 3) { edges { node { id title previous { id } sources { url } } } } }',
  RECORD_POLICY_CHANGE,
  'mutation ($id: ID!, $reason: String!) { retract(id: $id, reason: $reason) { reason } }',
  'mutation ($input: AddStatementInput!) { addStatement(input: $input) { id } }',
  'mutation ($input: AddEventInput!) { addEvent(input: $input) { id } }',
];
const SUBSCRIPTION_SEEDS = [
  FEED_SUBSCRIPTION,
  'subscription ($after: String, $filter: PolicyChangedFilter) { policyChanged(after: $after, filter: $filter) { cursor direction policy { title country { name } } previous { id } } }',
  'subscription ($after: String) { feed(after: $after) { cursor kind committedAt node { __typename } } }',
];
const VOCABULARY = [
  '{', '}', '(', ')', ':', '...', '$after', '$first', '@include(if: true)', '@skip(if: $x)', 'fragment F on Policy { id }', '...F', 'on',
  'first: 100', 'first: -1', 'first: 99999999999', 'after: "x"', 'countries', 'country', 'policies', 'feed', 'policyHistory', 'previous',
  'sources', 'edges', 'node', '__typename', '__schema { types { name } }', '"\\u0000"', '"ü😀"', '#', '\n', 'query', 'mutation', 'subscription', 'a: ',
];

/** A seed document changed by a few random edits: cuts, insertions of grammar pieces, repeats. */
function mutated(seeds: string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 8 })) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }), times: fc.integer({ min: 2, max: 40 }) }),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 4 })).map(([seed, edits]) =>
    edits.reduce((doc, e) => {
      const at = doc.length === 0 ? 0 : e.at % doc.length;
      if (e.kind === 'cut') return doc.slice(0, at) + doc.slice(at + e.length);
      if (e.kind === 'insert') return `${doc.slice(0, at)} ${e.text} ${doc.slice(at)}`;
      return doc.slice(0, at) + doc.slice(at, at + e.length).repeat(e.times) + doc.slice(at + e.length);
    }, seed),
  );
}

const scalar = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 30 }), fc.boolean(), fc.constant(null), fc.constantFrom('FI', 'RU', 'XX', '2022-09-30', '2022-02-30', 'https://example.org/a', 'javascript:alert(1)'));
const input = fc.record(
  {
    countryCode: fc.constantFrom('FI', 'EE', 'xx', '', 'ZZ'),
    category: fc.constantFrom('ENTRY', 'TRANSIT', 'NOPE'),
    status: fc.constantFrom('OPEN', 'CLOSED', 'MAYBE'),
    title: fc.string({ maxLength: 300 }),
    effectiveFrom: fc.constantFrom('2025-01-01', '2022-09-30', '1900-01-01', 'soon'),
    sources: fc.array(fc.record({ url: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })), title: fc.string({ maxLength: 50 }) }), { maxLength: 3 }),
    speaker: fc.string({ maxLength: 50 }),
    text: fc.string({ maxLength: 200 }),
    medium: fc.constantFrom('TWEET', 'SPEECH', 'RADIO'),
    saidAt: fc.constantFrom('2022-09-23T19:12:00Z', '2022-09-23', 'yesterday'),
    kind: fc.constantFrom('OTHER', 'BORDER', 'X'),
    occurredOn: fc.constantFrom('2022-09-21', 'never'),
    maxStayDays: fc.oneof(fc.integer(), fc.constant(null)),
    extra: scalar,
  },
  { requiredKeys: [] },
);
const variables = fc.record(
  {
    first: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.constant(2 ** 31), scalar),
    after: fc.oneof(fc.constant('__cursor__'), fc.string({ maxLength: 40 }), scalar),
    f: fc.oneof(fc.record({ countryCodes: fc.array(fc.constantFrom('FI', 'XX', 'lt', ''), { maxLength: 3 }), inForceOn: scalar }, { requiredKeys: [] }), scalar),
    filter: fc.oneof(fc.record({ countryCodes: fc.array(fc.constantFrom('FI', 'XX'), { maxLength: 2 }), kinds: fc.array(fc.constantFrom('EVENT', 'NOPE'), { maxLength: 2 }) }, { requiredKeys: [] }), scalar),
    input: fc.oneof(input, scalar),
    id: fc.oneof(fc.uuid(), fc.string({ maxLength: 10 })),
    reason: fc.string({ maxLength: 30 }),
    x: scalar,
  },
  { requiredKeys: [] },
);
const withCursor = (vars: Record<string, unknown>) => (vars.after === '__cursor__' ? { ...vars, after: cursor } : vars);

/** What every error a client sees must look like. */
function checkErrors(errors: unknown, where: string): void {
  if (errors === undefined) return;
  expect(Array.isArray(errors)).toBe(true);
  for (const error of errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>) {
    const text = JSON.stringify(error);
    if (typeof error.extensions?.code !== 'string') throw new Error(`${where}: an error without a code: ${text}`);
    if (error.extensions.code === 'INTERNAL_SERVER_ERROR') throw new Error(`${where}: an unexpected error: ${text}`);
    if (/stacktrace|prisma|invocation|\n\s+at /i.test(text)) throw new Error(`${where}: internals leaked: ${text}`);
  }
}

describe('fuzzing', () => {
  it(`HTTP: ${RUNS} random operations, variables and bodies get an answer with a code, never a 5xx`, async () => {
    const body = fc.oneof(
      { weight: 6, arbitrary: fc.record({ query: mutated(SEEDS), variables: variables.map(withCursor) }) },
      { weight: 1, arbitrary: fc.jsonValue() },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ raw: text })) },
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (request, authorized) => {
        const raw = typeof request === 'object' && request !== null && 'raw' in request;
        const response = await post(raw ? (request as { raw: string }).raw : request, authorized ? editor : {}, raw);
        const text = await response.text();
        expect([200, 400, 401, 405, 413, 415]).toContain(response.status);
        let parsed: { errors?: unknown; data?: unknown };
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new Error(`not JSON (${response.status}): ${text.slice(0, 200)}`);
        }
        if (response.status !== 200) expect(parsed.errors).toBeDefined();
        checkErrors(parsed.errors, `HTTP ${JSON.stringify(request).slice(0, 300)}`);
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
  }, 120_000);

  it(`WebSocket: ${RUNS} random subscriptions and variables get errors with a code (the socket lives on), and random frames a protocol close code`, async () => {
    const socket = await RawSocket.ready(server.app.wsUrl);
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(mutated([...SUBSCRIPTION_SEEDS, ...SEEDS]), variables.map(withCursor), async (query, vars) => {
          const id = `fuzz-${(n += 1)}`;
          socket.subscribe(id, query, vars);
          let frame: Frame | null = null;
          try {
            frame = await socket.next((f) => f.id === id && (f.type === 'error' || f.type === 'next' || f.type === 'complete'), 150);
          } catch {
            // A valid live subscription waits for entries: fine.
          }
          socket.send({ type: 'complete', id });
          expect(socket.closed).toBeNull();
          if (frame?.type === 'error') checkErrors(frame.payload, `WS ${query}`);
          if (frame?.type === 'next') checkErrors(frame.payload.errors, `WS ${query}`);
        }),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    } finally {
      socket.close();
    }

    const frames = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.record({ type: fc.constantFrom('connection_init', 'subscribe', 'complete', 'ping', 'pong', 'next', 'error', 'x'), id: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), payload: fc.jsonValue() }, { requiredKeys: ['type'] }).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frames, { minLength: 1, maxLength: 5 }), fc.boolean(), async (sent, init) => {
        const raw = init ? await RawSocket.ready(server.app.wsUrl) : await RawSocket.open(server.app.wsUrl);
        try {
          for (const frame of sent) raw.send(frame);
          raw.send({ type: 'ping' });
          const outcome = await Promise.race([raw.waitForClose(2_000), raw.next((f) => f.type === 'pong', 2_000).then(() => null)]).catch(() => null);
          if (outcome) expect([4400, 4401, 4403, 4409, 4429, 1000]).toContain(outcome.code);
          for (const frame of raw.frames) if (frame.type === 'error') checkErrors(frame.payload, `WS frames ${JSON.stringify(sent)}`);
        } finally {
          raw.close();
        }
      }),
      { numRuns: Math.ceil(RUNS / 3), ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
  }, 180_000);

  it('leaves the database consistent: every record sourced, every feed entry pointing at a record, versions well ordered, sequence gapless', async () => {
    const [row] = await server.app.db.prisma.$queryRawUnsafe<Array<Record<string, bigint>>>(`SELECT
      (SELECT count(*) FROM policy p WHERE NOT EXISTS (SELECT 1 FROM policy_source s WHERE s.policy_id = p.id)) AS unsourced_policies,
      (SELECT count(*) FROM statement t WHERE NOT EXISTS (SELECT 1 FROM statement_source s WHERE s.statement_id = t.id)) AS unsourced_statements,
      (SELECT count(*) FROM event e WHERE NOT EXISTS (SELECT 1 FROM event_source s WHERE s.event_id = e.id)) AS unsourced_events,
      (SELECT count(*) FROM feed_entry f WHERE (f.policy_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM policy p WHERE p.id = f.policy_id))
          OR (f.statement_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statement t WHERE t.id = f.statement_id))
          OR (f.event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM event e WHERE e.id = f.event_id))) AS dangling_entries,
      (SELECT count(*) FROM policy WHERE effective_to < effective_from) AS inverted_policies,
      (SELECT count(*) FROM policy p WHERE NOT EXISTS (SELECT 1 FROM feed_entry f WHERE f.policy_id = p.id)) AS policies_without_entry,
      (SELECT (SELECT value FROM feed_counter WHERE id = 1) - count(*) FROM feed_entry) AS sequence_gaps`);
    expect(Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, Number(value)]))).toEqual({
      unsourced_policies: 0,
      unsourced_statements: 0,
      unsourced_events: 0,
      dangling_entries: 0,
      inverted_policies: 0,
      policies_without_entry: 0,
      sequence_gaps: 0,
    });
  });
});
