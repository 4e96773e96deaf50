import type { ClientOptions } from 'ws';
import { RawSocket, type Closed } from '../../helpers/raw-ws';
import type { Clock, Lifetime } from '../clock';
import type { Deployment, InstanceProcess, Mode } from '../deployment';
import { DOCUMENTED_CLOSE_CODES, DOCUMENTED_CODES, classifyGraphQL, documentedStatus, hasStackTrace } from '../documented';
import type { HttpAnswer, HttpClient } from '../net';
import type { HostileReport } from '../records';
import type { Rng } from '../rng';

export interface HostileContext {
  deployment: Deployment;
  clock: Clock;
  rng: Rng;
  /** A cursor near the start of the feed: resuming from it replays hundreds of entries. */
  oldCursor: string;
  log(message: string): void;
}

/** One hostile behaviour: its own file, its own source addresses, its own report row. */
export interface Hostile {
  name: string;
  what: string;
  /** Where it applies (Redis channels exist only in cluster mode). */
  modes: readonly Mode[];
  run(ctx: HostileContext, report: HostileReport, life: Lifetime): Promise<void>;
}

/** Files a GraphQL-over-HTTP answer under its outcome; anything undocumented is kept as evidence. */
export function recordGraphQL(report: HostileReport, answer: HttpAnswer, clock: Clock, instance: InstanceProcess, what: string): string {
  const classified = classifyGraphQL(answer);
  report.outcomes.add(classified.outcome);
  if (classified.undocumented) report.undocumented.add(`${clock.at()} ${instance.slot} ${what}: ${classified.undocumented}`);
  else if (!answer.ok && answer.error !== 'TIMEOUT') judgeDroppedConnection(report, clock, instance, `${what}: connection failed (${answer.error})`, Date.now() - answer.ms);
  return classified.outcome;
}

/**
 * A connection dropped without an answer is evidence only if the instance was up and no fault
 * explains it. Judged a moment later: a crash is seen by the clients a little before the exit is.
 */
export function judgeDroppedConnection(report: HostileReport, clock: Clock, instance: InstanceProcess, what: string, since: number): void {
  const at = clock.at();
  setTimeout(() => {
    if (instance.exit !== null) return;
    if (clock.faultsDuring(since, Date.now(), ['instance-kill', 'postgres-restart']).length > 0) return;
    report.undocumented.add(`${at} ${instance.slot} ${what} while the instance was up`);
  }, 2_000).unref();
}

/** Files an answer that is not GraphQL (feeds, playground, refusals before GraphQL): a documented status, no stack trace. */
/** A request that must be refused with a documented answer (a junk body is drawn from the rng). */
export interface JunkRequest {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: (rng: Rng) => string;
}

/** Sends `junk` to `instance` (its base URL, without /graphql) and records the answer. */
export async function sendJunk(http: HttpClient, junk: JunkRequest, rng: Rng, report: HostileReport, clock: Clock, instance: InstanceProcess): Promise<void> {
  const base = instance.url.replace(/\/graphql$/, '');
  report.actions += 1;
  recordHttp(report, await http.send(junk.method, `${base}${junk.path}`, junk.headers ?? {}, junk.body?.(rng)), clock, instance, junk.name);
}

export function recordHttp(report: HostileReport, answer: HttpAnswer, clock: Clock, instance: InstanceProcess, what: string): void {
  if (!answer.ok) {
    report.outcomes.add(answer.error);
    return;
  }
  report.outcomes.add(`http ${answer.status}`);
  if (hasStackTrace(answer.text)) report.undocumented.add(`${clock.at()} ${instance.slot} ${what}: stack trace in the answer (${answer.status}): ${answer.text.slice(0, 200)}`);
  else if (!documentedStatus(answer.status)) report.undocumented.add(`${clock.at()} ${instance.slot} ${what}: status ${answer.status}: ${answer.text.slice(0, 200)}`);
}

/** Files how a socket ended (or that it is still open). */
export function recordClose(report: HostileReport, closed: Closed | null, clock: Clock, instance: InstanceProcess, what: string): void {
  if (!closed) {
    report.outcomes.add('still open');
    return;
  }
  report.outcomes.add(`close ${closed.code}`);
  if (!DOCUMENTED_CLOSE_CODES.has(closed.code)) report.undocumented.add(`${clock.at()} ${instance.slot} ${what}: close ${closed.code} ${closed.reason}`);
}

/** A socket from `localAddress`, acknowledged or not; a refused upgrade or init is filed and gives null. */
export async function openSocket(
  report: HostileReport,
  clock: Clock,
  instance: InstanceProcess,
  localAddress: string,
  options: { init?: boolean } & ClientOptions & { protocol?: string } = {},
): Promise<RawSocket | null> {
  const { init = true, ...rest } = options;
  let socket: RawSocket;
  try {
    socket = await RawSocket.open(instance.wsUrl, { localAddress, ...rest });
  } catch (error) {
    const status = (error as { status?: number }).status;
    report.outcomes.add(status ? `upgrade ${status}` : `connect ${(error as { code?: string }).code ?? (error as Error).message.slice(0, 60)}`);
    return null;
  }
  if (!init) return socket;
  socket.send({ type: 'connection_init' });
  try {
    await socket.next((frame) => frame.type === 'connection_ack', 10_000);
    return socket;
  } catch {
    recordClose(report, socket.closed, clock, instance, 'connection_init');
    socket.close();
    return null;
  }
}

/** Round robin over the live instances; waits while none is up. */
export async function nextInstance(ctx: HostileContext, turn: number, life: Lifetime): Promise<InstanceProcess | null> {
  for (;;) {
    const instance = ctx.deployment.pick(turn);
    if (instance || !life.active) return instance ?? null;
    await life.sleep(200);
  }
}

/** Waits up to `ms` for the socket to close; null if it did not. */
export async function closedWithin(socket: RawSocket, ms: number): Promise<Closed | null> {
  try {
    return await socket.waitForClose(ms);
  } catch {
    return null;
  }
}

/** Files the `error` frames a socket got (and `next` frames carrying errors) by code; an undocumented code is evidence. */
export function recordErrorFrames(report: HostileReport, socket: RawSocket, clock: Clock, instance: InstanceProcess, what: string): void {
  for (const frame of socket.frames) {
    const errors: Array<{ extensions?: { code?: unknown } }> | undefined = frame.type === 'error' ? frame.payload : frame.type === 'next' ? frame.payload?.errors : undefined;
    if (!Array.isArray(errors)) continue;
    for (const error of errors) {
      const code = typeof error?.extensions?.code === 'string' ? error.extensions.code : 'no code';
      report.outcomes.add(`${frame.type} ${code}`);
      if (!DOCUMENTED_CODES.has(code)) report.undocumented.add(`${clock.at()} ${instance.slot} ${what}: ${frame.type} ${JSON.stringify(error).slice(0, 200)}`);
    }
  }
}
