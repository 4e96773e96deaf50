import type { Clock } from './clock';
import type { Deployment, InstanceProcess } from './deployment';
import { HONEST_NET, HttpClient, loopback } from './net';

/** What the suite reads off the instances themselves: memory after a GC, peaks, open sockets. */

export interface SocketFigures {
  /** Sum over the live instances (their /metrics) at the end of the settle phase. */
  connections: number | null;
  subscriptions: number | null;
}

export interface MemoryAfterGc {
  rss: number;
  /** JS heap in use. */
  heap: number;
  /** JS heap V8 keeps committed. */
  heapTotal: number;
  /** Buffers and other memory V8 knows of outside its heap. */
  external: number;
}

/** Each slot's highest RSS sample during the hostile phase. */
export function peaks(samples: Array<{ at: number; slot: string; mib: number }>, clock: Clock): Record<string, number> {
  const peak: Record<string, number> = {};
  for (const s of samples) if (s.at >= clock.hostileStart && s.at < clock.settleStart) peak[s.slot] = Math.max(peak[s.slot] ?? 0, s.mib);
  return peak;
}

/** Each live instance's RSS and JS heap after a full GC. */
export async function memoryAfterGc(deployment: Deployment): Promise<Record<string, MemoryAfterGc>> {
  const out: Record<string, MemoryAfterGc> = {};
  for (const proc of deployment.live()) {
    const memory = await afterGc(proc);
    if (memory) out[proc.slot] = memory;
  }
  return out;
}

/** Open sockets and subscriptions over the live instances, from their /metrics. */
export async function socketCounts(deployment: Deployment): Promise<SocketFigures> {
  const http = new HttpClient(loopback(HONEST_NET, 3), 5_000);
  let connections = 0;
  let subscriptions = 0;
  try {
    for (const instance of deployment.live()) {
      const answer = await http.get(instance.url.replace(/\/graphql$/, '/metrics'));
      if (!answer.ok) return { connections: null, subscriptions: null };
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(answer.text)?.[1] ?? NaN);
      connections += value('borderwatch_websocket_connections');
      subscriptions += value('borderwatch_subscriptions_active');
    }
  } finally {
    http.close();
  }
  return { connections: Number.isFinite(connections) ? connections : null, subscriptions: Number.isFinite(subscriptions) ? subscriptions : null };
}

/**
 * Memory in MiB right after a full garbage collection (two, a moment apart): RSS and the JS heap
 * in use from the probe, and (from /metrics) the heap V8 keeps committed and the memory outside
 * it (Buffers): what RSS is made of. Null if the instance does not answer.
 */
async function afterGc(proc: InstanceProcess): Promise<MemoryAfterGc | null> {
  let last: { rss: number; heapUsed: number } | null = null;
  for (let i = 0; i < 2; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${proc.probePort}/gc`, { signal: AbortSignal.timeout(10_000) });
      last = (await response.json()) as { rss: number; heapUsed: number };
    } catch {
      return null;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  if (!last) return null;
  let metrics = '';
  try {
    metrics = await (await fetch(proc.url.replace(/\/graphql$/, '/metrics'), { signal: AbortSignal.timeout(10_000) })).text();
  } catch {
    // the split is a detail; RSS and the heap in use are what is judged
  }
  const metric = (name: string) => Number(new RegExp(`^borderwatch_${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20;
  return { rss: last.rss / 2 ** 20, heap: last.heapUsed / 2 ** 20, heapTotal: metric('nodejs_heap_size_total_bytes'), external: metric('nodejs_external_memory_bytes') };
}
