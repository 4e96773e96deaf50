import pino, { type Logger } from 'pino';
import type { Config } from '../config/config';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    // Tokens must never reach the logs, whatever a future log call passes in.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'], censor: '[redacted]' },
  });
}
