import type { Clock, Lifetime } from '../clock';
import type { Deployment } from '../deployment';
import { classifyGraphQL } from '../documented';
import { HONEST_NET, HttpClient, loopback } from '../net';
import type { HonestRequest } from '../records';
import type { Rng } from '../rng';
import { COUNTRIES, COUNTRIES_OF_INTEREST, FEED_PAGE, HISTORY, STATEMENTS_EVENTS } from './queries';

export interface HonestContext {
  deployment: Deployment;
  clock: Clock;
  rng: Rng;
  requests: HonestRequest[];
  log(message: string): void;
}

const CATEGORIES = ['ENTRY', 'TRANSIT', 'VISA', null] as const;

/**
 * A frontend reading: the country map, a country's history, pages of the feed (following
 * endCursor), statements and events, one request at a time with a short pause, on whichever
 * instance is up (round robin, as behind a load balancer).
 */
export async function runReader(ctx: HonestContext, index: number, life: Lifetime): Promise<void> {
  const rng = ctx.rng.fork(`reader-${index}`);
  const http = new HttpClient(loopback(HONEST_NET, 10 + index));
  let feedAfter: string | null = null;
  let countriesAfter: string | null = null;
  let turn = index;
  try {
    while (life.active) {
      turn += 1;
      const instance = ctx.deployment.pick(turn);
      if (!instance) {
        await life.sleep(200);
        continue;
      }
      const choice = rng.int(0, 3);
      let operation: string;
      let body: { query: string; variables: Record<string, unknown> };
      if (choice === 0) {
        operation = 'countries';
        body = { query: COUNTRIES, variables: { first: rng.pick([20, 50, 100]), after: countriesAfter } };
      } else if (choice === 1) {
        operation = 'history';
        const date = `202${rng.int(2, 4)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`;
        body = { query: HISTORY, variables: { code: rng.pick(COUNTRIES_OF_INTEREST), category: rng.pick(CATEGORIES), date, first: rng.pick([3, 10, 50]) } };
      } else if (choice === 2) {
        operation = 'feed';
        const filter = rng.chance(0.5) ? { countryCodes: [rng.pick(COUNTRIES_OF_INTEREST), rng.pick(COUNTRIES_OF_INTEREST)] } : null;
        body = { query: FEED_PAGE, variables: { first: rng.pick([10, 20, 50]), after: filter ? null : feedAfter, filter } };
      } else {
        operation = 'statements-events';
        body = { query: STATEMENTS_EVENTS, variables: { first: rng.pick([5, 10, 20]) } };
      }
      const start = Date.now();
      const answer = await http.post(instance.url, body);
      const classified = classifyGraphQL(answer);
      ctx.requests.push({
        kind: 'read',
        operation,
        slot: instance.slot,
        start,
        end: Date.now(),
        outcome: classified.outcome,
        ms: answer.ms,
        ...(classified.undocumented ? { detail: classified.undocumented } : {}),
      });
      if (classified.outcome === 'ok' && answer.ok) {
        const data = answer.json.data;
        if (operation === 'feed' && !body.variables.filter) feedAfter = data.feed.pageInfo.hasNextPage && rng.chance(0.7) ? data.feed.pageInfo.endCursor : null;
        if (operation === 'countries') countriesAfter = data.countries.pageInfo.hasNextPage ? data.countries.pageInfo.endCursor : null;
      }
      await life.sleep(rng.int(50, 250));
    }
  } finally {
    http.close();
  }
}
