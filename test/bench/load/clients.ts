/** The runner's side of the WebSocket client harness: a few forked processes, one command at a time. */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import path from 'node:path';
import { DIST_BENCH, onCleanup } from '../util';
import type { ClientTransport, Command, Report, SocketSpec, TransportReport } from './ws-clients';

export class ClientPool {
  private readonly procs: ChildProcess[];

  constructor(processes: number) {
    this.procs = Array.from({ length: processes }, () =>
      fork(path.join(DIST_BENCH, 'load', 'ws-clients.js'), [], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        execArgv: ['--max-old-space-size=4096'],
      }),
    );
    for (const proc of this.procs) {
      proc.setMaxListeners(0);
      // Lower priority than the servers, as PERFORMANCE.md §7 asks of the load generator.
      try {
        if (proc.pid) setPriority(proc.pid, 5);
      } catch {
        /* not permitted */
      }
    }
    onCleanup(() => this.close());
  }

  private ask<T>(proc: ChildProcess, command: Command, reply: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== reply) return;
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(message as T);
      };
      const onExit = () => reject(new Error('a WebSocket client process exited'));
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      proc.send(command);
    });
  }

  private all<T>(command: Command, reply: string): Promise<T[]> {
    return Promise.all(this.procs.map((proc) => this.ask<T>(proc, command, reply)));
  }

  /** Spreads the sockets over the processes (socket i to process i mod n). */
  async connect(sockets: SocketSpec[], query: string): Promise<{ ok: number; failed: number; ms: number }> {
    const parts = this.procs.map((_, p) => sockets.filter((_, i) => i % this.procs.length === p));
    const results = await Promise.all(
      this.procs.map((proc, p) => this.ask<{ ok: number; failed: number; ms: number }>(proc, { type: 'connect', sockets: parts[p]!, query, concurrency: 50 }, 'connected')),
    );
    return { ok: sum(results, (r) => r.ok), failed: sum(results, (r) => r.failed), ms: Math.max(...results.map((r) => r.ms)) };
  }

  async window(fromSeq: number): Promise<void> {
    await this.all({ type: 'window', fromSeq }, 'window');
  }

  async expect(entries: Array<[number, string[]]>): Promise<void> {
    await this.all({ type: 'expect', entries }, 'expect');
  }

  async progress(): Promise<{ expected: number; received: number }> {
    const results = await this.all<{ expected: number; received: number }>({ type: 'progress' }, 'progress');
    return { expected: sum(results, (r) => r.expected), received: sum(results, (r) => r.received) };
  }

  async report(): Promise<Report> {
    const reports = (await this.all<{ report: Report }>({ type: 'report' }, 'report')).map((r) => r.report);
    const merge = (histograms: Array<Record<number, number>>) => {
      const merged: Record<number, number> = {};
      for (const histogram of histograms) for (const [ms, count] of Object.entries(histogram)) merged[Number(ms)] = (merged[Number(ms)] ?? 0) + count;
      return merged;
    };
    const histogram = merge(reports.map((r) => r.histogram));
    const byTransport = (transport: ClientTransport): TransportReport => {
      const parts = reports.map((r) => r.byTransport[transport]);
      return { sockets: sum(parts, (p) => p.sockets), expected: sum(parts, (p) => p.expected), delivered: sum(parts, (p) => p.delivered), histogram: merge(parts.map((p) => p.histogram)) };
    };
    const slowest = new Map<number, number>();
    for (const report of reports) for (const [seq, ms] of report.slowestBySeq) slowest.set(seq, Math.max(ms, slowest.get(seq) ?? 0));
    return {
      sockets: sum(reports, (r) => r.sockets),
      open: sum(reports, (r) => r.open),
      expected: sum(reports, (r) => r.expected),
      delivered: sum(reports, (r) => r.delivered),
      outOfOrder: sum(reports, (r) => r.outOfOrder),
      unexpected: sum(reports, (r) => r.unexpected),
      errors: sum(reports, (r) => r.errors),
      histogram,
      slowestBySeq: [...slowest].sort(([a], [b]) => a - b),
      byTransport: { ws: byTransport('ws'), sse: byTransport('sse') },
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (proc) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || !proc.connected) return resolve();
            proc.once('exit', () => resolve());
            proc.send({ type: 'close' });
            setTimeout(() => {
              proc.kill('SIGKILL');
              resolve();
            }, 3000).unref();
          }),
      ),
    );
  }
}

function sum<T>(list: T[], of: (item: T) => number): number {
  return list.reduce((total, item) => total + of(item), 0);
}

/** Percentiles of a histogram in 1 ms bins. */
export function percentiles(histogram: Record<number, number>): { p50: number; p99: number; max: number; count: number } {
  const bins = Object.entries(histogram)
    .map(([ms, count]) => [Number(ms), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const count = bins.reduce((total, [, c]) => total + c, 0);
  const at = (q: number) => {
    let seen = 0;
    for (const [ms, c] of bins) {
      seen += c;
      if (seen >= q * count) return ms;
    }
    return NaN;
  };
  return { p50: at(0.5), p99: at(0.99), max: bins.length ? bins[bins.length - 1]![0] : NaN, count };
}
