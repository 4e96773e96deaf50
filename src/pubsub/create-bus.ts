import type { Logger } from 'pino';
import { within } from '../common/within';
import type { Config } from '../config/config';
import type { Bus, BusRejection } from './bus';
import { LocalBus } from './local-bus';
import { RedisBus } from './redis-bus';

export interface BusIdentity {
  /** The deployment's id (src/db/deployment.ts): messages of other deployments on the same channels are dropped. */
  deployment: string;
  rejected(reason: BusRejection): void;
}

/**
 * How long a start waits for Redis. A Redis that accepts connections and never answers (hung) would
 * otherwise hold the start for ever; the connections go on trying in the background.
 */
const CONNECT_WAIT_MS = 2_000;

/** Redis when REDIS_URL is set, otherwise the in-process bus. Redis being down (or hung) at start is not fatal. */
export async function createBus(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, logger: Logger, identity: BusIdentity): Promise<Bus> {
  if (!config.redisUrl) return new LocalBus();
  const bus = new RedisBus(config.redisUrl, config.redisPrefix, identity, logger);
  await within(bus.connect(), CONNECT_WAIT_MS).catch((error: unknown) => logger.warn({ err: error }, 'redis unreachable at start; retrying in the background'));
  return bus;
}
