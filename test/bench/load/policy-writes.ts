/**
 * Policy changes written through the API, as the fan-out, the write floor and scenario 7 send them:
 * one version effective today for a (country, category) pair taken in a fixed cycle, with one source
 * from a small pool (so both the new-source and the known-source paths run), at a fixed rate.
 */
import { sleep } from '../util';

export const RECORD = `mutation Record($input: RecordPolicyChangeInput!) { recordPolicyChange(input: $input) { cursor } }`;

/** What an editor's client reads back: the version written and the one it closed (the write floor's document). */
export const RECORD_AND_READ = `mutation Record($input: RecordPolicyChangeInput!) {
  recordPolicyChange(input: $input) { cursor direction policy { id category status title effectiveFrom effectiveTo } previous { id effectiveTo } }
}`;

export const CATEGORIES = ['ENTRY', 'VISA', 'RESIDENCE', 'WORK', 'ASYLUM', 'TRANSIT', 'DOCUMENTS'];
export const STATUSES = ['OPEN', 'FACILITATED', 'CONDITIONAL', 'RESTRICTED', 'CLOSED'];

export interface ChangeInput {
  countryCode: string;
  category: string;
  status: string;
  title: string;
  effectiveFrom: string;
  sources: Array<{ url: string; title: string }>;
}

/** The i-th change of a run (`tag` keeps titles of different writers apart). */
export function changeInput(i: number, countryCodes: readonly string[], tag = 'live'): ChangeInput {
  return {
    countryCode: countryCodes[(i * 7919) % countryCodes.length]!,
    category: CATEGORIES[(i * 31) % CATEGORIES.length]!,
    status: STATUSES[i % STATUSES.length]!,
    title: `${tag} change ${i} at ${Date.now()}`,
    effectiveFrom: new Date().toISOString().slice(0, 10),
    sources: [{ url: `https://bench.example.org/${tag}/${i % 50}`, title: 'Benchmark live source' }],
  };
}

/** Sends one change to a GraphQL endpoint with an editor token; true when it was recorded. */
export async function postChange(url: string, token: string, input: ChangeInput, document = RECORD): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document, variables: { input } }),
  });
  const text = await response.text();
  return response.status === 200 && !text.includes('"errors"');
}

export interface PacedResult {
  sent: number;
  failed: number;
  slowestMs: number;
  /** every write's time, request to response */
  latenciesMs: number[];
}

/**
 * Fires `rate × durationS` writes at a fixed rate (open loop, at most 200 in flight); `stop` ends
 * it early (scenario 7's writer runs for as long as a load run does).
 */
export async function paced(rate: number, durationS: number, write: (i: number) => Promise<boolean>, stop?: () => boolean): Promise<PacedResult> {
  const count = Math.round(rate * durationS);
  const start = performance.now();
  let failed = 0;
  let sent = 0;
  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < count && !stop?.(); i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (stop?.()) break;
    while (inFlight.size >= 200) await Promise.race(inFlight);
    const sentAt = performance.now();
    sent += 1;
    const p: Promise<void> = write(i)
      .then((ok) => {
        if (!ok) failed += 1;
        latenciesMs.push(performance.now() - sentAt);
      })
      .catch(() => {
        failed += 1;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { sent, failed, slowestMs: latenciesMs.length ? Math.max(...latenciesMs) : 0, latenciesMs };
}
