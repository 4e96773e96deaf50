import type { Page, WebSocketRoute } from 'playwright-core';
import { eventually } from './ports';

/** What a person sees of one country on the map. */
export interface ShapeState {
  visa: string;
  restricted: boolean;
  marked: boolean;
}

/**
 * The world map (/map) driven as a person uses it, with what it sent recorded: the operation
 * name of every GraphQL request, and the variables of every subscription it opened.
 */
export class MapPage {
  /** Uncaught errors, Content-Security-Policy refusals and tokens sent, so far; a test expects none. */
  readonly problems: string[] = [];
  /** Operation names of the page's GraphQL requests over HTTP, in order. */
  readonly operations: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) this.problems.push(message.text());
    });
    page.on('request', (request) => {
      // The map only reads: a token in any request it sends is a fault.
      if (request.headers().authorization) this.problems.push(`a token was sent to ${request.url()}`);
      if (request.method() !== 'POST' || !request.url().endsWith('/graphql')) return;
      const query = (request.postDataJSON() as { query?: string } | null)?.query ?? '';
      this.operations.push(/^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous');
    });
  }

  /** Opens a URL of the map and waits until it shows the date (today by default). */
  async open(url: string, date?: string): Promise<void> {
    await this.page.goto(url);
    await this.waitForDate(date);
  }

  async waitForDate(date?: string): Promise<void> {
    const selector = date ? `#world[data-date="${date}"]` : '#world[data-date]';
    await this.page.locator(selector).waitFor({ state: 'attached', timeout: 30_000 });
  }

  waitForLive(): Promise<void> {
    return this.page.locator('#live-status[data-state="live"]').waitFor({ state: 'attached', timeout: 30_000 });
  }

  /** The colour and restriction of a country's first shape, and whether its hatched mark is drawn. */
  async shape(code: string): Promise<ShapeState> {
    const element = this.page.locator(`#world .shape[data-code="${code}"]`).first();
    const [visa, restricted, marks] = await Promise.all([
      element.getAttribute('data-visa'),
      element.getAttribute('data-restricted'),
      this.page.locator(`#world .mark[data-mark-for="${code}"]`).count(),
    ]);
    return { visa: visa!, restricted: restricted === 'true', marked: marks > 0 };
  }

  /** Shapes coloured by a rule (not "no data"), how many shapes there are, and the colours used. */
  async colouredShapes(): Promise<{ coloured: number; shapes: number; fills: string[] }> {
    const coloured = this.page.locator('#world .shape:not([data-visa="NO_DATA"])');
    const fills: string[] = await coloured.evaluateAll((elements) => elements.map((element) => element.getAttribute('fill')!));
    return { coloured: fills.length, shapes: await this.page.locator('#world .shape').count(), fills: [...new Set(fills)] };
  }

  /** The table view's row for a country: name, visa requirement, max stay, entry restriction. */
  tableRow(code: string): Promise<string[]> {
    return this.page.locator(`#table-body tr[data-code="${code}"] > *`).allTextContents();
  }

  /** The live list, newest first. */
  liveItems(): Promise<Array<{ cursor: string; country: string; direction: string; text: string }>> {
    return this.page.locator('#live li').evaluateAll((items) =>
      items.map((item) => ({
        cursor: item.getAttribute('data-cursor')!,
        country: item.getAttribute('data-country')!,
        direction: item.getAttribute('data-direction')!,
        text: item.textContent ?? '',
      })),
    );
  }

  /** Whether the focused element matches `selector`. */
  focusIs(selector: string): Promise<boolean> {
    return this.page.locator(':focus').evaluateAll((focused, wanted) => focused.some((element) => element.matches(wanted)), selector);
  }

  /** Presses Tab (Shift+Tab backwards) until the focused element matches `selector`; returns the presses. */
  async tabTo(selector: string, options: { back?: boolean; limit?: number } = {}): Promise<number> {
    for (let presses = 1; presses <= (options.limit ?? 30); presses += 1) {
      await this.page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
      if (await this.focusIs(selector)) return presses;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  panelTitle(): Promise<string> {
    return this.page.locator('#panel-title').innerText();
  }

  waitForPanel(name: string, date?: string): Promise<void> {
    const selector = date ? `#panel:not([aria-busy])[data-date="${date}"] #panel-title` : '#panel:not([aria-busy]) #panel-title';
    return eventually(async () => (await this.page.locator(selector).allTextContents()).includes(name), 15_000, `the panel for ${name}`);
  }
}

/**
 * Stands between the page and the server on the page's WebSocket, to cut it and restore it: a
 * cut closes every socket from the server's side (1001, as a restarting server does) and
 * refuses new ones until restore(). Records each subscription's variables (its `after`).
 */
export class SocketCutter {
  readonly subscriptions: Array<{ after: string | null; at: number }> = [];
  private readonly open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  private cut = false;

  static async on(page: Page): Promise<SocketCutter> {
    const cutter = new SocketCutter();
    await page.routeWebSocket((url) => url.pathname.endsWith('/graphql'), (ws) => cutter.connect(ws));
    return cutter;
  }

  private connect(ws: WebSocketRoute): void {
    if (this.cut) {
      void ws.close({ code: 1001, reason: 'network down (test)' });
      return;
    }
    const server = ws.connectToServer();
    const pair = { page: ws, server };
    this.open.add(pair);
    ws.onMessage((message) => {
      const parsed = JSON.parse(String(message)) as { type?: string; payload?: { variables?: { after?: string | null } } };
      if (parsed.type === 'subscribe') this.subscriptions.push({ after: parsed.payload?.variables?.after ?? null, at: Date.now() });
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
    ws.onClose(() => {
      this.open.delete(pair);
      void server.close();
    });
    server.onClose((code, reason) => {
      this.open.delete(pair);
      void ws.close({ code, reason });
    });
  }

  async cutAll(): Promise<void> {
    this.cut = true;
    for (const pair of [...this.open]) {
      this.open.delete(pair);
      await pair.page.close({ code: 1001, reason: 'network down (test)' });
      await pair.server.close();
    }
  }

  restore(): void {
    this.cut = false;
  }
}
