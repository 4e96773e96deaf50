import type { Logger } from 'pino';
import { createLogger } from '../../src/server/logger';

/** The application's logger (its redaction included), keeping every line it writes for tests that read the logs. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: () => Array<Record<string, any>>; text: () => string } {
  const raw: string[] = [];
  const logger = createLogger({ logLevel: level }, { write: (line: string) => void raw.push(line) });
  return {
    logger,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, any>),
    text: () => raw.join(''),
  };
}
