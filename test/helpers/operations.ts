import { performance } from 'node:perf_hooks';
import { gql } from './graphql';
import { RawSocket } from './raw-ws';
import { SseStream } from './sse-client';

export type Transport = 'http' | 'ws' | 'sse';

export interface Answer {
  /** "ok", or the first error's code. */
  outcome: string;
  codes: string[];
  messages: string[];
  /** HTTP status; 101 for WebSocket; 200 for an event stream (errors come in its `next` event). */
  status: number;
  ms: number;
}

/**
 * The same selection on Policy, asked over either transport at the same depth:
 * over HTTP as a query (`policies > edges > node > policy fields`), over
 * WebSocket and Server-Sent Events as a subscription replaying from `after`
 * (`feed > node > policy > ...`). Both put the selection at depth 4.
 */
export function onPolicy(transport: Transport, selection: string, fragments = ''): string {
  return transport === 'http'
    ? `query { policies(first: 1) { edges { node { ${selection} } } } } ${fragments}`
    : `subscription ($after: String) { feed(after: $after) { node { ... on PolicyChange { policy { ${selection} } } } } } ${fragments}`;
}

let nextId = 0;

/** Sends one operation and collects its answer: the HTTP body, the first `next`/`error` frame for it, or the first `next` event of its stream (graphql-sse, distinct connections). */
export async function ask(
  transport: Transport,
  target: { url: string; socket?: RawSocket },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const started = performance.now();
  if (transport === 'http') {
    const result = await gql(target.url, query, variables);
    return summarize(result.errors, result.status, performance.now() - started);
  }
  if (transport === 'sse') {
    const stream = new SseStream(`${target.url}/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    try {
      await stream.opened;
      await stream.waitFor((s) => s.events.some((e) => e.event === 'next') || s.ended, 10_000, 'a next event');
      const next = stream.events.find((e) => e.event === 'next');
      const errors = next ? (JSON.parse(next.data) as { errors?: Parameters<typeof summarize>[0] }).errors : stream.json.errors;
      return summarize(errors, stream.status, performance.now() - started);
    } finally {
      stream.close();
    }
  }
  const socket = target.socket!;
  const id = `op-${(nextId += 1)}`;
  socket.subscribe(id, query, variables);
  const frame = await socket.answer(id);
  const ms = performance.now() - started;
  socket.send({ type: 'complete', id });
  const errors = frame.type === 'error' ? frame.payload : frame.payload?.errors;
  return summarize(errors, 101, ms);
}

function summarize(errors: Array<{ message: string; extensions?: Record<string, unknown> }> | undefined, status: number, ms: number): Answer {
  const codes = (errors ?? []).map((error) => String(error.extensions?.code));
  return { outcome: codes[0] ?? 'ok', codes, messages: (errors ?? []).map((error) => error.message), status, ms };
}
