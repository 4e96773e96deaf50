import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Bus } from './bus';
import { LocalBus } from './local-bus';
import { RedisBus } from './redis-bus';

/** Redis when REDIS_URL is set, otherwise the in-process bus. Redis being down at start is not fatal. */
export async function createBus(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, logger: Logger): Promise<Bus> {
  if (!config.redisUrl) return new LocalBus();
  const bus = new RedisBus(config.redisUrl, config.redisPrefix, logger);
  await bus.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis unreachable at start; retrying in the background'));
  return bus;
}
