import type { Express } from 'express';
import { within } from '../common/within';
import type { Database } from '../db/database';
import { ping } from '../db/ping';
import type { Bus } from '../pubsub/bus';
import type { Metrics } from './metrics';

/** How long /readyz waits for PostgreSQL before calling it down: a probe must answer even when the database hangs. */
const READY_TIMEOUT_MS = 2_000;

/**
 * /healthz: the process answers (liveness). /readyz: it can serve
 * (readiness): 503 without PostgreSQL; with Redis down it stays 200 and says
 * "degraded", since its relay still delivers everything by polling PostgreSQL
 * and taking it out of rotation would only move the load elsewhere.
 * /metrics: Prometheus text format.
 */
export function mountHealth(app: Express, db: Database, bus: Bus, metrics: Metrics): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await within(ping(db.prisma), READY_TIMEOUT_MS).then(
      () => 'up',
      () => 'down',
    );
    const redis = bus.kind === 'redis' ? bus.status : 'not used';
    const status = database === 'down' ? 'unavailable' : redis === 'down' ? 'degraded' : 'ready';
    res.status(database === 'up' ? 200 : 503).json({ status, database, redis });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
