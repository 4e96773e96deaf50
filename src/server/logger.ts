import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config';

/** JSON lines on stdout, or on `destination` (tests read them). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    // Tokens must never reach the logs, whatever a future log call passes in.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
