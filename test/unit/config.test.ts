import { ConfigError, loadConfig } from '../../src/config/config';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('needs nothing: every setting has the default the README states', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      host: '0.0.0.0',
      port: 4000,
      databaseUrl: undefined,
      dataDir: '.data',
      dbPoolSize: 10,
      redisUrl: undefined,
      redisPrefix: 'borderwatch',
      seed: 'auto',
      logLevel: 'info',
      pageSize: { default: 20, max: 100 },
      cursorSecret: undefined,
      introspection: true,
      corsOrigins: [],
      cacheMaxAge: 30,
      responseCacheBytes: 32 * 2 ** 20,
      feed: { pollMs: 1000, maxQueue: 1000 },
      dbTimeouts: { connectMs: 2000, statementMs: 10_000, startWaitMs: 30_000 },
      limits: { maxDepth: 15, maxCost: 20_000, maxTokens: 2000, maxAliases: 15, maxDirectives: 50 },
      rateLimits: { writesPerMinute: 60, wsConnectionsPerMinute: 60, wsMessagesPerMinute: 600 },
      trustProxyHops: 0,
      ws: { maxSubscriptions: 20, maxSocketsPerAddress: 50, initTimeoutMs: 3000, keepAliveMs: 12_000, maxMessageBytes: 65_536 },
      http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, shutdownGraceMs: 8000 },
      trustedDocuments: { file: undefined, only: false },
    });
  });

  it('reads numbers, flags and lists', () => {
    const config = loadConfig({
      PORT: '0',
      DB_POOL_SIZE: '3',
      PAGE_SIZE_DEFAULT: '5',
      PAGE_SIZE_MAX: '5',
      INTROSPECTION: 'no',
      CORS_ORIGINS: ' https://a.example , ,https://b.example',
      DATABASE_URL: 'postgres://user@db:5432/borderwatch',
      REDIS_URL: 'rediss://cache:6380',
      TRUSTED_DOCUMENTS: 'persisted-documents.json',
      TRUSTED_DOCUMENTS_ONLY: 'true',
    });
    expect(config).toMatchObject({
      port: 0,
      dbPoolSize: 3,
      pageSize: { default: 5, max: 5 },
      introspection: false,
      corsOrigins: ['https://a.example', 'https://b.example'],
      databaseUrl: 'postgres://user@db:5432/borderwatch',
      redisUrl: 'rediss://cache:6380',
      trustedDocuments: { file: 'persisted-documents.json', only: true },
    });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['DB_POOL_SIZE', '0'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['NODE_ENV', 'staging'],
    ['SEED', 'always'],
    ['LOG_LEVEL', 'loud'],
    ['PAGE_SIZE_MAX', '0'],
    ['PAGE_SIZE_DEFAULT', '2.5'],
    ['CURSOR_SECRET', 'short'],
    ['INTROSPECTION', 'maybe'],
    ['CORS_ORIGINS', 'https://app.example.org/'],
    ['CORS_ORIGINS', 'app.example.org'],
    ['CACHE_MAX_AGE', '-1'],
    ['RESPONSE_CACHE_MB', '-1'],
    ['RESPONSE_CACHE_MB', 'lots'],
    ['RESPONSE_CACHE_MB', '5000'],
    ['MAX_QUERY_DEPTH', '0'],
    ['MAX_QUERY_COST', 'lots'],
    ['RATE_LIMIT_WRITES_PER_MINUTE', '-5'],
    ['TRUST_PROXY_HOPS', '11'],
    ['WS_MAX_MESSAGE_BYTES', '1.5'],
    ['WS_MAX_SOCKETS_PER_ADDRESS', '0'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    const message = problem({ [name]: value });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain(`${name}:`);
  });

  it('lists every bad setting at once', () => {
    const message = problem({ PORT: 'x', LOG_LEVEL: 'loud', SEED: 'always' });
    expect(message.split('\n').slice(1).map((line) => line.trim().split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SEED']);
  });

  it('refuses a default page size above the maximum', () => {
    expect(problem({ PAGE_SIZE_DEFAULT: '50', PAGE_SIZE_MAX: '10' })).toContain('PAGE_SIZE_DEFAULT: must not exceed PAGE_SIZE_MAX');
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(problem({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })).toContain('HTTP_HEADERS_TIMEOUT_MS: must not exceed');
  });
});
