import { z } from 'zod';

/**
 * Everything Borderwatch reads from the environment, parsed and checked once at
 * start-up. Nothing else in `src/` reads `process.env`.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** Origins exactly as browsers send them: a typo such as a trailing slash would silently never match. */
const originList = z.string().transform((value, ctx) => {
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!isOrigin(origin)) ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://app.example.org (scheme, host, port; no path)` });
  }
  return origins;
});

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_SIZE: positiveInt.default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PREFIX: z.string().min(1).default('borderwatch'),
  SEED: z.enum(['auto', 'never']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PAGE_SIZE_DEFAULT: positiveInt.default(20),
  PAGE_SIZE_MAX: positiveInt.default(100),
  CURSOR_SECRET: z.string().min(8).default('borderwatch-cursor-v1'),
  INTROSPECTION: booleanFlag.default(true),
  CORS_ORIGINS: originList.default([]),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(30),
  FEED_POLL_MS: positiveInt.default(1000),
  FEED_MAX_QUEUE: positiveInt.default(1000),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** External PostgreSQL; when absent an embedded PGlite in `dataDir` is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  /** Redis for cross-instance fan-out; when absent an in-process bus is used. */
  redisUrl: string | undefined;
  redisPrefix: string;
  seed: 'auto' | 'never';
  logLevel: string;
  pageSize: { default: number; max: number };
  cursorSecret: string;
  introspection: boolean;
  corsOrigins: string[];
  /** Seconds a public read (GraphQL query without a token, news feed) may be cached; 0 turns caching off. */
  cacheMaxAge: number;
  feed: {
    /** How often each instance checks PostgreSQL for feed entries it has not heard of. */
    pollMs: number;
    /** Entries a slow subscriber may have queued before it is told to resubscribe. */
    maxQueue: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.PAGE_SIZE_DEFAULT > e.PAGE_SIZE_MAX) {
    throw new ConfigError('Invalid configuration:\n  PAGE_SIZE_DEFAULT: must not exceed PAGE_SIZE_MAX');
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolSize: e.DB_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    seed: e.SEED,
    logLevel: e.LOG_LEVEL,
    pageSize: { default: e.PAGE_SIZE_DEFAULT, max: e.PAGE_SIZE_MAX },
    cursorSecret: e.CURSOR_SECRET,
    introspection: e.INTROSPECTION,
    corsOrigins: e.CORS_ORIGINS,
    cacheMaxAge: e.CACHE_MAX_AGE,
    feed: { pollMs: e.FEED_POLL_MS, maxQueue: e.FEED_MAX_QUEUE },
  };
}
