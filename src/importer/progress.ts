import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A bar on a terminal; elsewhere (CI logs, pipes) a count line at most once a
 * second and at the end, so a log is not flooded.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, minIntervalMs = 1_000): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({ stream, format: 'importing [{bar}] {percentage}% | {value}/{total} rows | {eta}s left', hideCursor: true }, Presets.shades_classic);
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done < total && now - last < minIntervalMs) return;
      last = now;
      stream.write(`imported ${done}/${total} rows\n`);
    },
    stop: () => undefined,
  };
}
