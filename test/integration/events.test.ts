import { errorCode, gql, gqlData } from '../helpers/graphql';
import { addEvent, nodes } from '../helpers/records';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
const id: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ template: 'bare' });
  const add = async (name: string, fixture: Parameters<typeof addEvent>[1]) => {
    id[name] = (await addEvent(server, fixture)).event.id;
  };
  await add('crimea', { title: 'Crimean referendum', kind: 'ANNEXATION', occurredOn: '2014-03-16', countryCode: 'UA', countryCodes: ['RU'] });
  await add('invasion', { title: 'Full-scale invasion', kind: 'INVASION', occurredOn: '2022-02-24', countryCode: 'UA', countryCodes: ['RU'] });
  await add('ltBorder', {
    title: 'Lithuania turns away Russians',
    kind: 'BORDER',
    occurredOn: '2022-09-19',
    countryCode: 'LT',
    countryCodes: ['RU'],
    figure: { value: 11, unit: 'Russian citizens refused entry', qualifier: 'EXACTLY' },
  });
  await add('mobilization', {
    title: 'Partial mobilization',
    kind: 'MOBILIZATION',
    occurredOn: '2022-09-21',
    countryCode: 'RU',
    figure: { value: 300000, unit: 'reservists', qualifier: 'EXACTLY' },
  });
  await add('upperLars', { title: 'Arrivals via Upper Lars', kind: 'MIGRATION', occurredOn: '2022-09-25', countryCode: 'GE', countryCodes: ['RU'] });
  await add('baltic', { title: 'Baltic consultations', kind: 'DIPLOMACY', occurredOn: '2022-09-25', countryCodes: ['EE', 'LV'] });
});
afterAll(() => server.stop());

const PAGE = `query ($first: Int, $after: String, $filter: EventFilter) {
  events(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id kind occurredOn country { code } countries { code } figure { value unit qualifier } sources { url } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

async function events(variables: Record<string, unknown>) {
  return (await gqlData(server.url, PAGE, variables)).events;
}

async function ids(filter: Record<string, unknown>): Promise<string[]> {
  return nodes<{ id: string }>(await events({ first: 100, filter })).map((n) => n.id);
}

async function refusal(variables: Record<string, unknown>, field: string) {
  const result = await gql(server.url, PAGE, variables);
  expect(errorCode(result)).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.extensions).toMatchObject({ field });
  return result.errors![0]!.message;
}

const sameDay = () => [id.upperLars!, id.baltic!].sort().reverse();

describe('events', () => {
  it('lists the most recent first, events of the same day by id descending', async () => {
    expect(await ids({})).toEqual([...sameDay(), id.mobilization, id.ltBorder, id.invasion, id.crimea]);
  });

  it('walks every event with after, each once, with a constant totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page: any = await events({ first: 4, after });
      expect(page.totalCount).toBe(6);
      seen.push(...nodes(page).map((n: any) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(await ids({}));
    expect((await events({ first: 6 })).pageInfo.hasNextPage).toBe(false);
    expect(await events({ first: 0 })).toMatchObject({ edges: [], totalCount: 6, pageInfo: { hasNextPage: true } });
  });

  it('filters by the countries involved, whether or not the event happened there', async () => {
    expect(await ids({ countryCodes: ['GE'] })).toEqual([id.upperLars]);
    expect(await ids({ countryCodes: ['UA'] })).toEqual([id.invasion, id.crimea]);
    // Russia is where the mobilization happened and is involved in four more.
    expect(await ids({ countryCodes: ['RU'] })).toEqual([id.upperLars, id.mobilization, id.ltBorder, id.invasion, id.crimea]);
    // An event with no place belongs to the countries it lists.
    expect(await ids({ countryCodes: ['LV'] })).toEqual([id.baltic]);
    expect(await ids({ countryCodes: ['EE', 'GE'] })).toEqual(sameDay());
    // An event involving two of the countries asked appears once.
    expect((await events({ filter: { countryCodes: ['EE', 'LV'] } })).totalCount).toBe(1);
  });

  it('filters by kinds', async () => {
    expect(await ids({ kinds: ['BORDER', 'MIGRATION'] })).toEqual([id.upperLars, id.ltBorder]);
    expect(await ids({ kinds: ['ATTACK'] })).toEqual([]);
  });

  it('treats from and to as days, both included', async () => {
    expect(await ids({ from: '2022-09-21', to: '2022-09-21' })).toEqual([id.mobilization]);
    expect(await ids({ from: '2022-09-19', to: '2022-09-25' })).toEqual([...sameDay(), id.mobilization, id.ltBorder]);
    expect(await ids({ to: '2014-03-16' })).toEqual([id.crimea]);
    expect(await ids({ from: '2022-09-26' })).toEqual([]);
  });

  it('combines conditions, counting only what matches them all', async () => {
    const page = await events({ filter: { countryCodes: ['RU'], kinds: ['BORDER', 'MOBILIZATION', 'INVASION'], from: '2022-09-01' } });
    expect(nodes(page).map((n: any) => n.id)).toEqual([id.mobilization, id.ltBorder]);
    expect(page.totalCount).toBe(2);
  });

  it('gives the place, every country involved with the place among them, the figure as qualified, and the sources', async () => {
    const all = nodes(await events({ first: 10 })) as any[];
    const border = all.find((n) => n.id === id.ltBorder);
    expect(border.country).toEqual({ code: 'LT' });
    expect(border.countries).toEqual([{ code: 'LT' }, { code: 'RU' }]);
    expect(border.figure).toEqual({ value: 11, unit: 'Russian citizens refused entry', qualifier: 'EXACTLY' });
    expect(border.sources).toHaveLength(1);
    const baltic = all.find((n) => n.id === id.baltic);
    expect(baltic).toMatchObject({ country: null, countries: [{ code: 'EE' }, { code: 'LV' }], figure: null });
  });

  it('refuses a to before from, unknown country codes, page sizes above the maximum and edited or foreign cursors', async () => {
    expect(await refusal({ filter: { from: '2022-09-21', to: '2022-09-20' } }, 'filter.to')).toContain('must not be before filter.from');
    expect(await refusal({ filter: { countryCodes: ['QQ'] } }, 'filter.countryCodes.0')).toContain('unknown country code');
    await refusal({ first: server.config.pageSize.max + 1 }, 'first');
    const { pageInfo } = await events({ first: 1 });
    await refusal({ after: pageInfo.endCursor.slice(1) }, 'after');
    const statements = server.app.services.cursors.encode('statements', ['2022-09-21T00:00:00.000Z', id.mobilization!]);
    expect(await refusal({ after: statements }, 'after')).toContain('another list');
  });
});
