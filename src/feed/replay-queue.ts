export interface ReplayQueueLimits {
  /** Replay queries running at once, for every client together: what the replays may take of the pool. */
  total: number;
  /** Replay queries of one client (one socket) running at once. */
  perClient: number;
}

/** A waiting replay was given up (its subscription ended) before its turn came. */
export class ReplayCancelled extends Error {
  override readonly name = 'ReplayCancelled';
  constructor() {
    super('replay cancelled before it ran');
  }
}

type Job = () => void;

interface Lane {
  running: number;
  waiting: Job[];
  /** In `turns`, waiting for a free place. */
  queued: boolean;
}

/**
 * The queue every replay query (a subscription catching up from its cursor, a batch at a time)
 * waits in, so that replays cannot take the database from everything else, nor one client from
 * the others: at most `total` run at once, at most `perClient` of one client's, and clients with
 * replays waiting take turns (round robin), one batch each. A socket that asks for a thousand
 * replays waits behind its own; a subscription that ends while waiting leaves the queue at once.
 * Memory: one lane per client with a replay running or waiting, one job per waiting replay.
 */
export class ReplayQueue {
  private readonly lanes = new Map<object, Lane>();
  /** Lanes with a replay waiting and a free place of their own, in the order their turn comes. */
  private readonly turns: Lane[] = [];
  private running = 0;

  constructor(private readonly limits: ReplayQueueLimits) {}

  /** Replays running now, and waiting; for tests and metrics. */
  get size(): { running: number; waiting: number } {
    let waiting = 0;
    for (const lane of this.lanes.values()) waiting += lane.waiting.length;
    return { running: this.running, waiting };
  }

  /**
   * Runs `task` when `client`'s turn comes. With `signal` aborted before then, it never runs and
   * the promise rejects with ReplayCancelled; once it runs, it runs to the end.
   */
  run<T>(client: object, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new ReplayCancelled());
    let lane = this.lanes.get(client);
    if (!lane) this.lanes.set(client, (lane = { running: 0, waiting: [], queued: false }));
    const owner = lane;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const index = owner.waiting.indexOf(job);
        if (index < 0) return;
        owner.waiting.splice(index, 1);
        this.forget(client, owner);
        reject(new ReplayCancelled());
      };
      const job: Job = () => {
        signal?.removeEventListener('abort', onAbort);
        owner.running += 1;
        this.running += 1;
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            owner.running -= 1;
            this.running -= 1;
            this.offerTurn(owner);
            this.forget(client, owner);
            this.dispatch();
          });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      owner.waiting.push(job);
      this.offerTurn(owner);
      this.dispatch();
    });
  }

  private offerTurn(lane: Lane): void {
    if (lane.queued || lane.waiting.length === 0 || lane.running >= this.limits.perClient) return;
    lane.queued = true;
    this.turns.push(lane);
  }

  private dispatch(): void {
    while (this.running < this.limits.total && this.turns.length > 0) {
      const lane = this.turns.shift()!;
      lane.queued = false;
      // A lane whose replays were all cancelled since it queued gives its turn up.
      const job = lane.waiting.shift();
      if (!job) continue;
      job();
      this.offerTurn(lane);
    }
  }

  private forget(client: object, lane: Lane): void {
    if (lane.running === 0 && lane.waiting.length === 0 && this.lanes.get(client) === lane) this.lanes.delete(client);
  }
}
