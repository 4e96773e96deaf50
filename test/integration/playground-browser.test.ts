import type { Page } from 'playwright-core';
import { EXAMPLES } from '../../src/playground/examples';
import { gqlData } from '../helpers/graphql';
import { eventually } from '../helpers/ports';
import { launchGuardedBrowser, outputPath, type GuardedBrowser } from '../helpers/browser';
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

/** What the page complains about: uncaught errors and Content-Security-Policy refusals. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return problems;
}

/** The text the response pane shows: Monaco renders the visible lines only, with non-breaking spaces. */
async function responseText(page: Page): Promise<string> {
  return (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.locator('.graphiql-tab-button', { hasText: name }).click();
  await page.locator('.graphiql-query-editor').getByText(name).first().waitFor();
  // GraphiQL parses the new text 100 ms after it changes, and decides from that parse whether the
  // operation goes over HTTP or graphql-ws; a person takes longer than that to reach the run button.
  await page.waitForTimeout(500);
}

async function run(page: Page): Promise<void> {
  await page.locator('.graphiql-execute-button').click();
}

describe('the playground in headless Chromium, with every other host blocked', () => {
  it('opens with the example tabs and a headers box for a token, runs a query, and shows live feed items', async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    await page.goto(server.url);

    const tabs = page.locator('.graphiql-tab-button');
    await tabs.first().waitFor({ timeout: 30_000 });
    expect(await tabs.allInnerTexts()).toEqual(EXAMPLES.map((example) => example.name));
    await expect(page.locator('.graphiql-editor-tool').innerText()).resolves.toContain('Authorization');

    // A newcomer's first query: countries with an entry rule, and the policies in force.
    const { countries } = await gqlData(server.url, EXAMPLES[0]!.query);
    const firstCountry: string = countries.edges[0].node.name;
    await openTab(page, 'CountriesNow');
    await run(page);
    await eventually(async () => (await responseText(page)).includes(firstCountry), 30_000, `"${firstCountry}" in the response pane`);
    expect(await responseText(page)).toContain('"totalCount"');
    await page.screenshot({ path: await outputPath('playground-query.png') });

    // Live: the subscription runs over graphql-ws on the same URL; an editor records a change over HTTP.
    const listening = server.app.relay.listenerCount;
    await openTab(page, 'LiveFeed');
    await run(page);
    await eventually(() => server.app.relay.listenerCount > listening, 30_000, 'the page to subscribe');
    const title = `Playground live item ${Date.now()}`;
    const written = await recordPolicyChange(server.url, await editorHeaders(server.app), { countryCode: 'FI', title });
    expect(written.errors).toBeUndefined();
    await eventually(async () => (await responseText(page)).includes(title), 30_000, 'the new item in the response pane');
    expect(await responseText(page)).toContain('"POLICY_CHANGE"');

    const screenshot = await outputPath('playground.png');
    await page.screenshot({ path: screenshot });
    console.log(`playground screenshot: ${screenshot}`);

    expect(problems).toEqual([]);
    expect(browser.outside).toEqual([]);
    await page.close();
  }, 120_000);

  it('opens an operation handed in the URL (as the news feeds link their items) in a tab of its own', async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    const query = 'query LinkedFromFeed { feed(first: 1) { edges { kind } } }';
    await page.goto(`${server.url}?query=${encodeURIComponent(query)}`);
    const active = page.locator('.graphiql-tab-active .graphiql-tab-button');
    await active.waitFor({ timeout: 30_000 });
    expect(await active.innerText()).toBe('LinkedFromFeed');
    await run(page);
    await eventually(async () => (await responseText(page)).includes('"kind"'), 30_000, 'the linked query\'s result');
    expect(problems).toEqual([]);
    expect(browser.outside).toEqual([]);
    await page.close();
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
