import { errorCode, gql, gqlData } from '../helpers/graphql';
import { addStatement, nodes } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
const id: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
  const add = async (name: string, fixture: Parameters<typeof addStatement>[1]) => {
    id[name] = (await addStatement(server, fixture)).statement.id;
  };
  await add('kallas', {
    speaker: 'Kaja Kallas',
    speakerRole: 'Prime Minister of Estonia',
    countryCode: 'EE',
    saidAt: '2022-08-09T00:00:00Z',
    text: 'Visiting Europe is a privilege, not a human right.',
  });
  await add('landsbergisTweet', {
    speaker: 'Gabrielius Landsbergis',
    speakerRole: 'Minister of Foreign Affairs of Lithuania',
    countryCode: 'LT',
    saidAt: '2022-09-23T19:12:00Z',
    text: 'Russians should stay and fight. Against Putin.',
  });
  await add('midnight', { speaker: 'An official', saidAt: '2022-09-24T00:00:00Z', text: 'At the first instant of the day.' });
  await add('lastSecond', { speaker: 'An official', saidAt: '2022-09-24T23:59:59Z', text: 'At the last second of the day.' });
  await add('landsbergisLater', {
    speaker: 'Gabrielius Landsbergis',
    speakerRole: 'Minister of Foreign Affairs of Lithuania',
    countryCode: 'LT',
    saidAt: '2022-09-27T00:00:00Z',
    text: 'Russians can overthrow Putin.',
  });
  await add('tokayev', {
    speaker: 'Kassym-Jomart Tokayev',
    speakerRole: 'President of Kazakhstan',
    countryCode: 'KZ',
    saidAt: '2022-09-27T00:00:00Z',
    text: 'This is a political and humanitarian issue.',
  });
});
afterAll(() => server.stop());

const PAGE = `query ($first: Int, $after: String, $filter: StatementFilter) {
  statements(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id speaker countryCode saidAt country { code } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

async function statements(variables: Record<string, unknown>) {
  return (await gqlData(server.url, PAGE, variables)).statements;
}

async function ids(filter: Record<string, unknown>): Promise<string[]> {
  return nodes<{ id: string }>(await statements({ first: 100, filter })).map((n) => n.id);
}

async function refusal(variables: Record<string, unknown>, field: string) {
  const result = await gql(server.url, PAGE, variables);
  expect(errorCode(result)).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.extensions).toMatchObject({ field });
  return result.errors![0]!.message;
}

describe('statements', () => {
  it('lists newest first, statements of the same instant by id descending', async () => {
    const sameInstant = [id.landsbergisLater!, id.tokayev!].sort().reverse();
    expect(await ids({})).toEqual([...sameInstant, id.lastSecond, id.midnight, id.landsbergisTweet, id.kallas]);
  });

  it('walks every statement with after, each once, with a constant totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page: any = await statements({ first: 2, after });
      expect(page.totalCount).toBe(6);
      seen.push(...nodes(page).map((n: any) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(await ids({}));
  });

  it('answers first: 0 with the count, and an empty page after the last edge', async () => {
    expect(await statements({ first: 0 })).toMatchObject({ totalCount: 6, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
    const all = await statements({ first: 6 });
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(await statements({ first: 6, after: all.pageInfo.endCursor })).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });

  it('filters by the countries the speakers speak for', async () => {
    expect(await ids({ countryCodes: ['LT'] })).toEqual([id.landsbergisLater, id.landsbergisTweet]);
    expect(await ids({ countryCodes: ['KZ', 'EE'] })).toEqual([id.tokayev, id.kallas]);
    expect(await ids({ countryCodes: ['FI'] })).toEqual([]);
  });

  it('filters by part of the speaker\'s name, any case', async () => {
    expect(await ids({ speaker: 'LANDSB' })).toEqual([id.landsbergisLater, id.landsbergisTweet]);
    expect(await ids({ speaker: 'tokayev' })).toEqual([id.tokayev]);
  });

  it('treats from and to as whole days, both included', async () => {
    // to: the 23rd includes 19:12 that day, and nothing of the 24th.
    expect(await ids({ to: '2022-09-23' })).toEqual([id.landsbergisTweet, id.kallas]);
    expect(await ids({ from: '2022-09-23', to: '2022-09-23' })).toEqual([id.landsbergisTweet]);
    // One day from its first instant to its last second.
    expect(await ids({ from: '2022-09-24', to: '2022-09-24' })).toEqual([id.lastSecond, id.midnight]);
    expect((await ids({ from: '2022-09-27', to: '2022-09-27' })).sort()).toEqual([id.landsbergisLater, id.tokayev].sort());
    expect(await ids({ from: '2022-09-28' })).toEqual([]);
  });

  it('refuses a to before from, naming filter.to', async () => {
    expect(await refusal({ filter: { from: '2022-09-27', to: '2022-09-26' } }, 'filter.to')).toContain('must not be before filter.from');
  });

  it('searches the words, the speaker and the role, any case, ignoring blank input', async () => {
    expect(await ids({ search: 'putin' })).toEqual([id.landsbergisLater, id.landsbergisTweet]);
    expect(await ids({ search: 'PRESIDENT' })).toEqual([id.tokayev]);
    expect(await ids({ search: 'kallas' })).toEqual([id.kallas]);
    expect(await ids({ search: 'privilege' })).toEqual([id.kallas]);
    expect(await ids({ search: '   ' })).toHaveLength(6);
  });

  it('combines conditions, counting only what matches them all', async () => {
    const page = await statements({ filter: { countryCodes: ['LT', 'KZ'], search: 'putin', from: '2022-09-24' } });
    expect(nodes(page).map((n: any) => n.id)).toEqual([id.landsbergisLater]);
    expect(page.totalCount).toBe(1);
  });

  it('gives each statement its country, or null when it speaks for none', async () => {
    const all = nodes(await statements({ first: 10 })) as any[];
    expect(all.find((n) => n.id === id.tokayev).country).toEqual({ code: 'KZ' });
    expect(all.find((n) => n.id === id.midnight).country).toBeNull();
  });

  it('refuses unknown country codes, page sizes above the maximum and edited or foreign cursors', async () => {
    expect(await refusal({ filter: { countryCodes: ['LT', 'QQ'] } }, 'filter.countryCodes.1')).toContain('unknown country code');
    await refusal({ first: server.config.pageSize.max + 1 }, 'first');
    const { pageInfo } = await statements({ first: 1 });
    await refusal({ after: pageInfo.endCursor.replace('.', '.x') }, 'after');
    const countries = await gqlData(server.url, '{ countries(first: 1) { pageInfo { endCursor } } }');
    expect(await refusal({ after: countries.countries.pageInfo.endCursor }, 'after')).toContain('another list');
  });
});
