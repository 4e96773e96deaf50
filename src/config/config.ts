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
  CURSOR_SECRET: z.string().min(8).optional(),
  INTROSPECTION: booleanFlag.default(true),
  CORS_ORIGINS: originList.default([]),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(30),
  FEED_POLL_MS: positiveInt.default(1000),
  RESPONSE_CACHE_MB: z.coerce.number().min(0).max(4096).default(32),
  FEED_MAX_QUEUE: positiveInt.default(1000),
  DB_CONNECT_TIMEOUT_MS: positiveInt.default(2000),
  DB_START_WAIT_MS: positiveInt.default(30_000),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(10_000),
  MAX_QUERY_DEPTH: positiveInt.default(15),
  MAX_QUERY_COST: positiveInt.default(20_000),
  MAX_QUERY_TOKENS: positiveInt.default(2000),
  MAX_QUERY_ALIASES: positiveInt.default(15),
  MAX_QUERY_DIRECTIVES: positiveInt.default(50),
  RATE_LIMIT_WRITES_PER_MINUTE: positiveInt.default(60),
  RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE: positiveInt.default(60),
  RATE_LIMIT_WS_MESSAGES_PER_MINUTE: positiveInt.default(600),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  WS_MAX_SUBSCRIPTIONS: positiveInt.default(20),
  WS_MAX_SOCKETS_PER_ADDRESS: positiveInt.default(50),
  WS_INIT_TIMEOUT_MS: positiveInt.default(3000),
  WS_KEEPALIVE_MS: positiveInt.default(12_000),
  WS_MAX_MESSAGE_BYTES: positiveInt.default(64 * 1024),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  SHUTDOWN_GRACE_MS: positiveInt.default(8000),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  TRUSTED_DOCUMENTS_ONLY: booleanFlag.default(false),
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
  /** Overrides the secret the database generated for its cursors (src/db/deployment.ts). */
  cursorSecret: string | undefined;
  introspection: boolean;
  corsOrigins: string[];
  /** Seconds a public read (GraphQL query without a token, news feed) may be cached; 0 turns caching off. */
  cacheMaxAge: number;
  /** Bytes of whole answers to public reads kept until the data changes; 0 turns the cache off. */
  responseCacheBytes: number;
  feed: {
    /** How often each instance checks PostgreSQL for feed entries it has not heard of. */
    pollMs: number;
    /** Entries a slow subscriber may have queued before it is told to resubscribe. */
    maxQueue: number;
  };
  /** PostgreSQL: how long to wait for a connection, and for one statement, before failing fast. */
  dbTimeouts: { connectMs: number; statementMs: number; startWaitMs: number };
  /** What one GraphQL operation may ask for, on HTTP and WebSocket alike (src/server/limits). */
  limits: { maxDepth: number; maxCost: number; maxTokens: number; maxAliases: number; maxDirectives: number };
  /** Per client address (per socket for messages), per minute. */
  rateLimits: { writesPerMinute: number; wsConnectionsPerMinute: number; wsMessagesPerMinute: number };
  /** Proxies in front of the instance whose X-Forwarded-For entry is trusted to name the client. */
  trustProxyHops: number;
  /** maxSocketsPerAddress: WebSockets open at once per client address (the upgrade is refused with 429 beyond it). */
  ws: { maxSubscriptions: number; maxSocketsPerAddress: number; initTimeoutMs: number; keepAliveMs: number; maxMessageBytes: number };
  http: { headersTimeoutMs: number; requestTimeoutMs: number; shutdownGraceMs: number };
  /**
   * A manifest of operations by SHA-256 (GraphQL Code Generator's persisted-documents.json), read and
   * checked at start (src/server/trusted-documents.ts); `only`: nothing else may run.
   */
  trustedDocuments: { file: string | undefined; only: boolean };
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
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS');
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
    responseCacheBytes: Math.round(e.RESPONSE_CACHE_MB * 2 ** 20),
    feed: { pollMs: e.FEED_POLL_MS, maxQueue: e.FEED_MAX_QUEUE },
    dbTimeouts: { connectMs: e.DB_CONNECT_TIMEOUT_MS, statementMs: e.DB_STATEMENT_TIMEOUT_MS, startWaitMs: e.DB_START_WAIT_MS },
    limits: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxCost: e.MAX_QUERY_COST,
      maxTokens: e.MAX_QUERY_TOKENS,
      maxAliases: e.MAX_QUERY_ALIASES,
      maxDirectives: e.MAX_QUERY_DIRECTIVES,
    },
    rateLimits: {
      writesPerMinute: e.RATE_LIMIT_WRITES_PER_MINUTE,
      wsConnectionsPerMinute: e.RATE_LIMIT_WS_CONNECTIONS_PER_MINUTE,
      wsMessagesPerMinute: e.RATE_LIMIT_WS_MESSAGES_PER_MINUTE,
    },
    trustProxyHops: e.TRUST_PROXY_HOPS,
    ws: {
      maxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
      maxSocketsPerAddress: e.WS_MAX_SOCKETS_PER_ADDRESS,
      initTimeoutMs: e.WS_INIT_TIMEOUT_MS,
      keepAliveMs: e.WS_KEEPALIVE_MS,
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
    },
    http: { headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, shutdownGraceMs: e.SHUTDOWN_GRACE_MS },
    trustedDocuments: { file: e.TRUSTED_DOCUMENTS, only: e.TRUSTED_DOCUMENTS_ONLY },
  };
}
