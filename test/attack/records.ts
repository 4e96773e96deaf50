/** What the clients saw, kept for the invariants and the report. */

/** Counts by outcome ("ok", "BAD_USER_INPUT", "close 4409", "http 503", "ECONNREFUSED"...). */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** Most frequent first. */
  entries(): Array<[string, number]> {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]);
  }

  toString(limit = 6): string {
    const entries = this.entries();
    const shown = entries.slice(0, limit).map(([key, n]) => `${key} ×${n}`);
    if (entries.length > limit) shown.push(`${entries.length - limit} more`);
    return shown.join(', ') || 'none';
  }
}

/** Examples kept for the report: the first few of each kind, never an unbounded list. */
export class Examples {
  private readonly items: string[] = [];
  count = 0;

  constructor(private readonly keep = 5) {}

  add(example: string): void {
    this.count += 1;
    if (this.items.length < this.keep) this.items.push(example.length > 300 ? `${example.slice(0, 300)}…` : example);
  }

  get list(): readonly string[] {
    return this.items;
  }
}

/** One honest HTTP request: when, where, what came back. */
export interface HonestRequest {
  kind: 'read' | 'write';
  operation: string;
  slot: string;
  start: number;
  end: number;
  /** "ok", an error code, "http <status>", or a network error (ECONNREFUSED, TIMEOUT...). */
  outcome: string;
  ms: number;
  /** Set when the answer carried a stack trace or an error without a code. */
  detail?: string;
}

/** A write the API acknowledged, and the feed entry it promised. */
export interface AckedWrite {
  kind: 'POLICY_CHANGE' | 'STATEMENT' | 'EVENT' | 'RETRACTION';
  /** The record's id (for a retraction, the retracted record's). */
  id: string;
  /** The feed sequence number, when the answer carried its cursor. */
  seq?: bigint;
  slot: string;
  at: number;
}

/** One item a subscriber received. */
export interface Received {
  seq: bigint;
  kind: string;
  /** The record it is about (for a retraction, the retracted record). */
  id: string | null;
  connection: number;
}

/** What a hostile client did and what it got. */
export interface HostileReport {
  name: string;
  /** What it does, in a few words, for the report. */
  what: string;
  actions: number;
  outcomes: Tally;
  /** Answers outside what the README documents: INTERNAL_SERVER_ERROR, a 5xx other than 503, a stack trace, close 4500/1011. */
  undocumented: Examples;
  notes: string[];
}

export function hostileReport(name: string, what: string): HostileReport {
  return { name, what, actions: 0, outcomes: new Tally(), undocumented: new Examples(), notes: [] };
}
