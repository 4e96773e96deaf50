import { ReplayCancelled, ReplayQueue } from '../../src/feed/replay-queue';

/** A task the test finishes by hand, recording the order tasks started in. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (started.push(name), done.then(() => name)), finish: () => finish() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ReplayQueue', () => {
  it('runs at most `total` at once and one per client, and gives waiting clients their turns in rotation', async () => {
    const queue = new ReplayQueue({ total: 2, perClient: 1 });
    const started: string[] = [];
    const [a, b, c] = [{}, {}, {}];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const submit = (client: object, name: string) => {
      const g = gate(started, name);
      gates.set(name, g);
      return queue.run(client, g.task);
    };
    // A flood from a, then one each from b and c.
    const results = [submit(a, 'a1'), submit(a, 'a2'), submit(a, 'a3'), submit(b, 'b1'), submit(c, 'c1')];
    await settle();
    expect(started).toEqual(['a1', 'b1']);
    expect(queue.size).toEqual({ running: 2, waiting: 3 });

    gates.get('a1')!.finish();
    await settle();
    // c had not had a turn yet; a's next waits behind it.
    expect(started).toEqual(['a1', 'b1', 'c1']);
    gates.get('b1')!.finish();
    await settle();
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2']);
    for (const name of ['c1', 'a2', 'a3']) {
      gates.get(name)?.finish();
      await settle();
    }
    gates.get('a3')!.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it('drops a waiting task whose signal aborts: it never runs, its place goes to the next, and nothing stays behind', async () => {
    const queue = new ReplayQueue({ total: 1, perClient: 1 });
    const started: string[] = [];
    const [a, b] = [{}, {}];
    const first = gate(started, 'a1');
    const running = queue.run(a, first.task);
    const controller = new AbortController();
    const cancelled = queue.run(b, gate(started, 'b1').task, controller.signal);
    const next = gate(started, 'b2');
    const after = queue.run(b, next.task);
    expect(queue.size).toEqual({ running: 1, waiting: 2 });

    controller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(ReplayCancelled);
    expect(queue.size).toEqual({ running: 1, waiting: 1 });
    first.finish();
    await settle();
    expect(started).toEqual(['a1', 'b2']);
    next.finish();
    await expect(Promise.all([running, after])).resolves.toEqual(['a1', 'b2']);
    // No lane is kept for a client with nothing running or waiting.
    expect((queue as unknown as { lanes: Map<object, unknown> }).lanes.size).toBe(0);
    // Aborted before it was even queued: refused at once.
    await expect(queue.run(a, async () => 'never', controller.signal)).rejects.toBeInstanceOf(ReplayCancelled);
  });

  it('passes a failure to its caller and frees the place', async () => {
    const queue = new ReplayQueue({ total: 1, perClient: 1 });
    const client = {};
    await expect(queue.run(client, async () => Promise.reject(new Error('pool timeout')))).rejects.toThrow('pool timeout');
    await expect(queue.run(client, async () => 'next')).resolves.toBe('next');
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });
});
