import type { Page } from 'playwright-core';
import { eventually } from './ports';

/**
 * The playground driven the way a person uses it: pick an example tab, edit
 * the variables, press the run button, read the response pane.
 */
export class PlaygroundPage {
  /** Uncaught errors and Content-Security-Policy refusals seen so far; a test expects none. */
  readonly problems: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) this.problems.push(message.text());
    });
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.graphiql-tab-button').first().waitFor({ timeout: 30_000 });
  }

  tabNames(): Promise<string[]> {
    return this.page.locator('.graphiql-tab-button').allInnerTexts();
  }

  async openTab(name: string): Promise<void> {
    await this.page.locator('.graphiql-tab-button', { hasText: name }).click();
    await this.page.locator('.graphiql-query-editor').getByText(name).first().waitFor();
    await this.settle();
  }

  /** Replaces the variables, as if pasted (typing would meet the editor's automatic closing brackets). */
  async setVariables(json: string): Promise<void> {
    await this.page.locator('.graphiql-editor-tools button', { hasText: 'Variables' }).click();
    const editor = this.page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
    await editor.click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.insertText(json);
    await this.settle();
  }

  /** Text of the editor tools (variables and headers). */
  editorTools(): Promise<string> {
    return this.text('.graphiql-editor-tool');
  }

  async run(): Promise<void> {
    await this.page.locator('.graphiql-execute-button').click();
  }

  /** What the response pane shows. */
  response(): Promise<string> {
    return this.text('.graphiql-response');
  }

  waitForResponse(text: string, timeoutMs = 30_000): Promise<void> {
    return eventually(async () => (await this.response()).includes(text), timeoutMs, `"${text}" in the response pane`);
  }

  /** Monaco renders the visible lines only, with non-breaking spaces. */
  private async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * GraphiQL parses an editor's text 100 ms after it changes, and decides from that parse whether
   * the operation goes over HTTP or graphql-ws; a person takes longer than that to reach a button.
   */
  private settle(): Promise<void> {
    return this.page.waitForTimeout(500);
  }
}
