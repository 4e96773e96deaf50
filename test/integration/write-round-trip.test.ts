import { AppError } from '../../src/common/errors';
import { gql, gqlData } from '../helpers/graphql';
import { addEvent, addStatement, recordPolicy, source } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';

/**
 * Issue 12, item 5: each API write is one round trip (one call of a write function: lock, close,
 * insert, sources, feed entry), and the mutation answers from what it returned. Writers of one policy
 * still queue on its lock, so versions chain and feed numbers stay gapless and in commit order; the
 * function's refusals reach the client as the same errors, naming the same fields.
 */
let server: TestServer;
let headers: Record<string, string>;

beforeAll(async () => {
  // The relay polls PostgreSQL in the background; an hour between polls keeps its statements out of the counts.
  server = await startTestServer({ template: 'bare', env: { FEED_POLL_MS: '3600000', DB_POOL_SIZE: '12' } });
  headers = await editorHeaders(server.app);
});
afterAll(() => server.stop());

/** SQL statements `write` sends. */
async function statementsOf(write: () => Promise<unknown>): Promise<number> {
  const before = server.app.db.queryCount;
  await write();
  return server.app.db.queryCount - before;
}

async function refusal(write: Promise<unknown>): Promise<AppError> {
  const error = await write.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('one round trip per write', () => {
  it('recordPolicyChange, addStatement, addEvent and retract each send one SQL statement', async () => {
    expect(await statementsOf(() => recordPolicy(server, { countryCode: 'EE', effectiveFrom: '2024-01-01', sources: [source('trip'), source('trip')] }))).toBe(1);
    expect(await statementsOf(() => recordPolicy(server, { countryCode: 'EE', status: 'CLOSED', effectiveFrom: '2024-02-01' }))).toBe(1);
    let statementId = '';
    expect(await statementsOf(async () => (statementId = (await addStatement(server, { speaker: 'Trip', saidAt: '2024-02-02T10:00:00Z' })).statement.id))).toBe(1);
    let eventId = '';
    expect(await statementsOf(async () => (eventId = (await addEvent(server, { title: 'Trip', occurredOn: '2024-02-03', countryCode: 'EE', countryCodes: ['LV'] })).event.id))).toBe(1);
    const policy = await recordPolicy(server, { countryCode: 'EE', status: 'OPEN', effectiveFrom: '2024-03-01' });
    for (const id of [policy.policy.id, statementId, eventId]) {
      expect(await statementsOf(() => server.app.services.retractions.retract(id, 'Found wrong'))).toBe(1);
    }
  });

  it('the mutation answers with the versions it wrote: asking for them costs no statement', async () => {
    const mutation = (selection: string) => `mutation ($input: RecordPolicyChangeInput!) { recordPolicyChange(input: $input) { ${selection} } }`;
    const input = (effectiveFrom: string) => ({ countryCode: 'LT', category: 'TRANSIT', status: 'RESTRICTED', title: `LT from ${effectiveFrom}`, effectiveFrom, sources: [source('answer')] });
    await gqlData(server.url, mutation('cursor'), { input: input('2024-01-01') }, headers); // the token is known from here on
    const bare = await statementsOf(() => gqlData(server.url, mutation('cursor'), { input: input('2024-02-01') }, headers));
    let answer: any;
    const full = await statementsOf(async () => {
      answer = await gqlData(server.url, mutation('cursor direction policy { id title effectiveFrom effectiveTo } previous { id title effectiveTo }'), { input: input('2024-03-01') }, headers);
    });
    expect(full).toBe(bare);
    expect(answer.recordPolicyChange).toMatchObject({
      direction: 'UNCHANGED',
      policy: { title: 'LT from 2024-03-01', effectiveFrom: '2024-03-01', effectiveTo: null },
      previous: { title: 'LT from 2024-02-01', effectiveTo: '2024-03-01' },
    });
  });
  it('retract answers with the record it retracted: asking for it costs no statement', async () => {
    const mutation = (selection: string) => `mutation ($id: ID!) { retract(id: $id, reason: "Found wrong") { ${selection} } }`;
    const ids = await Promise.all([1, 2].map(async (n) => (await addStatement(server, { speaker: `Answer ${n}`, saidAt: '2024-07-01T10:00:00Z' })).statement.id));
    const bare = await statementsOf(() => gqlData(server.url, mutation('reason'), { id: ids[0] }, headers));
    let answer: any;
    const full = await statementsOf(async () => {
      answer = await gqlData(server.url, mutation('reason target { __typename ... on Statement { id speaker retractedAt retractionReason } }'), { id: ids[1] }, headers);
    });
    expect(full).toBe(bare);
    expect(answer.retract.target).toMatchObject({ __typename: 'Statement', id: ids[1], speaker: 'Answer 2', retractionReason: 'Found wrong' });
    expect(answer.retract.target.retractedAt).toEqual(expect.any(String));
  });
});

describe('many writers of one policy at once', () => {
  it('chain their versions, one open, with gapless feed numbers in commit order', async () => {
    const writers = 24;
    const [{ seq: before }] = (await server.app.db.pool.query<{ seq: string }>('SELECT value::text AS seq FROM feed_counter')).rows as [{ seq: string }];
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        recordPolicy(server, { countryCode: 'NO', category: 'WORK', status: i % 2 ? 'OPEN' : 'CLOSED', title: `Concurrent ${i}`, effectiveFrom: '2024-05-01' }),
      ),
    );
    // Gapless: the writes took exactly the next numbers.
    const seqs = results.map((r) => Number(r.entry.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: writers }, (_, i) => Number(before) + 1 + i));
    // In commit order: each entry's previous version is the one the entry before it wrote.
    const bySeq = [...results].sort((a, b) => Number(a.entry.seq - b.entry.seq));
    bySeq.forEach((r, i) => {
      expect(r.previous?.id ?? null).toBe(i === 0 ? null : bySeq[i - 1]!.policy.id);
      expect(r.entry.previousPolicyId).toBe(r.previous?.id ?? null);
      expect(r.direction).toBe(i === 0 ? 'NEW' : r.policy.status === bySeq[i - 1]!.policy.status ? 'UNCHANGED' : r.policy.status === 'CLOSED' ? 'STRICTER' : 'LOOSER');
    });
    const { rows } = await server.app.db.pool.query<{ id: string; previous_id: string | null; effective_to: Date | null }>(
      `SELECT id, previous_id, effective_to FROM policy WHERE country_code = 'NO' AND category = 'WORK'`,
    );
    expect(rows.filter((row) => row.effective_to === null).map((row) => row.id)).toEqual([bySeq.at(-1)!.policy.id]);
    expect(new Set(rows.map((row) => row.previous_id)).size).toBe(writers);
  });

  it('two retractions of one statement at once: one wins, the other is a CONFLICT, one feed item', async () => {
    const { statement } = await addStatement(server, { speaker: 'Twice', saidAt: '2024-06-01T10:00:00Z' });
    const outcomes = await Promise.allSettled([1, 2].map((n) => server.app.services.retractions.retract(statement.id, `Reason ${n}`)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as AppError).extensions.code).toBe('CONFLICT');
    const { rows } = await server.app.db.pool.query(`SELECT count(*)::int AS n FROM feed_entry WHERE retracted_id = $1`, [statement.id]);
    expect(rows[0].n).toBe(1);
  });
});

describe('refusals from the write functions are the API errors', () => {
  it('expectedPreviousId that is no longer current: CONFLICT with the current id', async () => {
    const first = await recordPolicy(server, { countryCode: 'SE', effectiveFrom: '2024-01-01' });
    const stale = '00000000-0000-4000-8000-000000000000';
    const error = await refusal(server.app.services.policyChanges.record({ countryCode: 'SE', category: 'ENTRY', status: 'OPEN', title: 'x', effectiveFrom: '2024-02-01', expectedPreviousId: stale, sources: [source()] }));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.expectedPreviousId', currentId: first.policy.id });
    expect(error.message).toBe(`SE/RU/ENTRY has changed: its current version is ${first.policy.id}, not ${stale}`);
  });

  it('effectiveFrom before the current version: BAD_USER_INPUT naming input.effectiveFrom', async () => {
    await recordPolicy(server, { countryCode: 'DK', effectiveFrom: '2024-03-01' });
    const error = await refusal(recordPolicy(server, { countryCode: 'DK', effectiveFrom: '2024-02-28' }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.effectiveFrom' });
    expect(error.message).toBe('input.effectiveFrom: must not be before 2024-03-01, when the current version took effect; history can only be appended');
  });

  it('an unknown replyToId or related policy: BAD_USER_INPUT naming it, by index', async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    const reply = await refusal(server.app.services.statementWrites.add({ speaker: 'S', saidAt: '2024-01-01T00:00:00Z', text: 't', medium: 'SPEECH', replyToId: unknown, sources: [source()] }));
    expect(reply.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.replyToId', reason: `no statement has id ${unknown}` });
    const a = await recordPolicy(server, { countryCode: 'PL', effectiveFrom: '2024-01-01' });
    const b = await recordPolicy(server, { countryCode: 'PL', category: 'VISA', effectiveFrom: '2024-01-01' });
    const related = await refusal(
      server.app.services.statementWrites.add({ speaker: 'S', saidAt: '2024-01-01T00:00:00Z', text: 't', medium: 'SPEECH', relatedPolicyIds: [a.policy.id, b.policy.id, unknown], sources: [source()] }),
    );
    expect(related.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.relatedPolicyIds.2', reason: `no policy has id ${unknown}` });
    expect(related.message).toBe(`input.relatedPolicyIds.2: no policy has id ${unknown}`);
  });

  it('retracting twice is a CONFLICT saying when; an unknown id is NOT_FOUND', async () => {
    const { event } = await addEvent(server, { title: 'Twice', occurredOn: '2024-01-01' });
    const { entry, record } = await server.app.services.retractions.retract(event.id, 'Wrong');
    expect(record).toMatchObject({ id: event.id, retractionReason: 'Wrong' });
    const twice = await refusal(server.app.services.retractions.retract(event.id, 'Again'));
    expect(twice.extensions.code).toBe('CONFLICT');
    expect(twice.message).toMatch(new RegExp(`^${event.id} was already retracted on \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$`));
    expect(entry.reason).toBe('Wrong');
    const unknown = '00000000-0000-4000-8000-000000000002';
    const missing = await gql(server.url, 'mutation ($id: ID!) { retract(id: $id, reason: "r") { reason } }', { id: unknown }, headers);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.errors?.[0]?.message).toBe(`No policy, statement or event has id ${unknown} does not exist`);
  });
});
