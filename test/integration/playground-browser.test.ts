import { EXAMPLES } from '../../src/playground/examples';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { launchGuardedBrowser, outputPath, type GuardedBrowser } from '../helpers/browser';
import { PlaygroundPage } from '../helpers/playground-page';
import { startTestServer, type TestServer } from '../helpers/server';
import { editorHeaders } from '../helpers/tokens';
import { recordPolicyChange } from '../helpers/writes';

/**
 * The playground as a person meets it: headless Chromium opens /graphql with
 * every request to another host refused (and recorded), picks an example tab,
 * runs it, reads the result pane; then starts the live feed and sees an
 * editor's change arrive.
 */
let server: TestServer;
let browser: GuardedBrowser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchGuardedBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe('the playground in headless Chromium, with every other host blocked', () => {
  it('opens with the example tabs and a headers box for a token, runs a query, and shows live feed items', async () => {
    const playground = new PlaygroundPage(await browser.context.newPage());
    await playground.open(server.url);
    expect(await playground.tabNames()).toEqual(EXAMPLES.map((example) => example.name));
    expect(await playground.editorTools()).toContain('"Authorization": "Bearer <token>"');

    // A newcomer's first query: countries with an entry rule, and the policies in force.
    const { countries } = await gqlData(server.url, EXAMPLES[0]!.query);
    await playground.openTab('CountriesNow');
    await playground.run();
    await playground.waitForResponse(countries.edges[0].node.name);
    expect(await playground.response()).toContain(`"totalCount": ${countries.totalCount}`);
    await playground.page.screenshot({ path: await outputPath('playground-query.png') });

    // Live: the subscription runs over graphql-ws on the same URL; an editor records a change over HTTP.
    const listening = server.app.relay.listenerCount;
    await playground.openTab('LiveFeed');
    await playground.run();
    await eventually(() => server.app.relay.listenerCount > listening, 30_000, 'the page to subscribe');
    const title = `Playground live item ${Date.now()}`;
    const written = await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'FI', title });
    expect(written.errors).toBeUndefined();
    await playground.waitForResponse(title);
    expect(await playground.response()).toContain('"POLICY_CHANGE"');

    const screenshot = await outputPath('playground.png');
    await playground.page.screenshot({ path: screenshot });
    console.log(`playground screenshot: ${screenshot}`);

    expect(playground.problems).toEqual([]);
    expect(browser.outside).toEqual([]);
    await playground.page.close();
  }, 120_000);

  it('runs the Passports tab: the counts for a passport and who may enter a country', async () => {
    const playground = new PlaygroundPage(await browser.context.newPage());
    await playground.open(server.url);
    await playground.openTab('Passports');
    await playground.run();
    // The pane draws only the lines in view: the answer's head, whose errors would come first.
    await playground.waitForResponse('"nationalities"');
    expect(await playground.response()).not.toContain('"errors"');
    expect(playground.problems).toEqual([]);
    expect(browser.outside).toEqual([]);
    await playground.page.close();
  }, 120_000);

  it('opens an operation handed in the URL (a news-feed item\'s link: a node query for its record) in a tab of its own', async () => {
    const playground = new PlaygroundPage(await browser.context.newPage());
    const json = (await (await fetch(server.url.replace('/graphql', '/feed.json?first=1'))).json()) as { items: Array<{ url: string; title: string }> };
    const link = json.items[0]!.url;
    const recordId = (JSON.parse(new URL(link).searchParams.get('variables')!) as { id: string }).id;
    await playground.open(link.replace(/^http:\/\/[^/]+\/graphql/, server.url));
    expect(await playground.page.locator('.graphiql-tab-active .graphiql-tab-button').innerText()).toBe('FeedItem');
    await playground.run();
    await playground.waitForResponse(`"id": "${recordId}"`);
    expect(playground.problems).toEqual([]);
    expect(browser.outside).toEqual([]);
    await playground.page.close();
  }, 120_000);

  it('resumes the live feed from a cursor typed into the variables', async () => {
    const playground = new PlaygroundPage(await browser.context.newPage());
    await playground.open(server.url);
    const headers = await editorHeaders(server.app);
    const missed = await recordPolicyChange(server.url, headers, { countryCode: 'EE', title: `Missed while away ${Date.now()}` });
    const { feed } = await gqlData(server.url, '{ feed(first: 2) { edges { cursor } } }');
    // The cursor of the item before the missed one: the subscription replays the missed one first.
    await playground.openTab('LiveFeed');
    await playground.setVariables(JSON.stringify({ after: feed.edges[1].cursor }));
    await playground.run();
    await playground.waitForResponse(missed.data.recordPolicyChange.policy.title);
    expect(playground.problems).toEqual([]);
    expect(browser.outside).toEqual([]);
    await playground.page.close();
  }, 120_000);

  it('with TRUSTED_DOCUMENTS_ONLY=true, runs its example tabs and refuses an edited operation', async () => {
    const trusted = await startTestServer({ env: { TRUSTED_DOCUMENTS_ONLY: 'true' } });
    try {
      const playground = new PlaygroundPage(await browser.context.newPage());
      await playground.open(trusted.url);
      const { countries } = await gqlData(trusted.url, EXAMPLES[0]!.query);
      await playground.openTab('CountriesNow');
      await playground.run();
      await playground.waitForResponse(countries.edges[0].node.name);
      // An operation of its own, handed in the URL: not a trusted document.
      await playground.open(`${trusted.url}?query=${encodeURIComponent('query Mine { countries(first: 1) { totalCount } }')}`);
      await playground.run();
      await playground.waitForResponse('PERSISTED_QUERY_NOT_ALLOWED');
      expect(playground.problems).toEqual([]);
      await playground.page.close();
    } finally {
      await trusted.stop();
    }
  }, 120_000);

  it('would notice a request to another host: the guard records and refuses it', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url.replace(/\/graphql$/, '')}/healthz`);
    const outcome = await page.evaluate(() => fetch('http://example.invalid/probe').then(() => 'sent', () => 'refused'));
    expect(outcome).toBe('refused');
    expect(browser.outside).toEqual(['http://example.invalid/probe']);
    browser.outside.length = 0;
    await page.close();
  }, 60_000);
});
