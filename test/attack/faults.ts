import type { Clock, FaultKind, Lifetime } from './clock';
import type { Deployment } from './deployment';

export interface FaultPlan {
  kind: FaultKind;
  /** When, as a share of the hostile phase. */
  at: number;
  describe: string;
}

/** How long each service stays away, and how long the killed instance stays down before its restart. */
export const REDIS_DOWN_MS = 2_000;
export const POSTGRES_DOWN_MS = 3_000;
export const KILLED_DOWN_MS = 3_000;

/** Cluster mode only: embedded mode has no service of its own to lose, and its one instance is the whole deployment. */
export const FAULTS: readonly FaultPlan[] = [
  { kind: 'redis-restart', at: 0.15, describe: `private redis-server killed (SIGKILL), started again ${REDIS_DOWN_MS / 1000} s later on the same port` },
  { kind: 'instance-kill', at: 0.4, describe: `instance B killed with SIGKILL, restarted (a new process, new port) ${KILLED_DOWN_MS / 1000} s later` },
  { kind: 'postgres-restart', at: 0.7, describe: `private PostgreSQL stopped with pg_ctl stop -m immediate, started again ${POSTGRES_DOWN_MS / 1000} s later` },
];

/** As a process manager would: started again until it listens (it exits at once while PostgreSQL is away). */
async function relaunch(deployment: Deployment, slot: string, log: (message: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deployment.launch(slot);
      return;
    } catch (error) {
      log(`instance ${slot} did not start (attempt ${attempt}): ${(error as Error).message.split('\n').slice(0, 2).join(' ')}`);
      if (attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * Runs each fault at its time during the hostile phase, independently (a slow restart does not
 * delay the next fault), each recorded as a window on the clock from its start until the service
 * or instance is back.
 */
export async function runFaults(deployment: Deployment, clock: Clock, life: Lifetime, log: (message: string) => void, record: string[]): Promise<void> {
  const hostileMs = clock.settleStart - clock.hostileStart;
  await Promise.all(
    FAULTS.map(async (fault) => {
      await life.until(clock.hostileStart + hostileMs * fault.at);
      if (!life.active) {
        record.push(`${fault.kind}: not run (the hostile phase ended first)`);
        return;
      }
      log(`fault: ${fault.describe}`);
      const window = clock.open(fault.kind, fault.kind === 'instance-kill' ? 'B' : undefined);
      try {
        if (fault.kind === 'redis-restart') await deployment.restartRedis(REDIS_DOWN_MS);
        else if (fault.kind === 'postgres-restart') await deployment.restartPostgres(POSTGRES_DOWN_MS);
        else {
          await deployment.kill('B');
          await new Promise((resolve) => setTimeout(resolve, KILLED_DOWN_MS));
          await relaunch(deployment, 'B', log);
        }
        log(`fault over: ${fault.kind}`);
        record.push(`${fault.kind} ${clock.at(window.start)} → back ${clock.at()}`);
      } catch (error) {
        log(`fault ${fault.kind} failed: ${(error as Error).message}`);
        record.push(`${fault.kind} ${clock.at(window.start)} → FAILED to recover: ${(error as Error).message.split('\n')[0]}`);
      } finally {
        clock.close(window);
      }
    }),
  );
}
