import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium: browser downloads do not work here, so playwright-core drives the system one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless and quiet: without the background-networking flags Chromium calls Google's hosts at start. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const isLocal = (url: URL | string): boolean => LOCAL_HOSTS.has(new URL(url).hostname);

export interface GuardedBrowser {
  context: BrowserContext;
  /** Every request a page tried to send to another host (each was refused); a test asserts it stays empty. */
  outside: string[];
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile, in which every HTTP request and WebSocket
 * to a host other than this machine is refused and recorded.
 */
export async function launchGuardedBrowser(): Promise<GuardedBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'borderwatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const outside: string[] = [];
  await context.route(
    (url) => !isLocal(url),
    (route) => {
      outside.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  await context.routeWebSocket(
    (url) => !isLocal(url),
    (ws) => {
      outside.push(ws.url());
      return ws.close();
    },
  );
  return {
    context,
    outside,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** test-output/<name>, created on demand (gitignored). */
export async function outputPath(name: string): Promise<string> {
  const dir = path.resolve(__dirname, '..', '..', 'test-output');
  await mkdir(dir, { recursive: true });
  return path.join(dir, name);
}
