import express from 'express';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finishHttp } from '../../src/server/http';
import { requestLog } from '../../src/server/http-guard';
import { Metrics } from '../../src/server/metrics';
import { capturingLogger } from '../helpers/log-capture';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 11, item 14: whatever the mode, no response carries a stack trace.
 * Requests no route answers, and errors raised before or around a route (a
 * missing static file, a URL that does not decode), get a short JSON answer
 * with a code. Sent raw, so that malformed URLs reach the server as they are.
 */
function send(port: number, method: string, path: string, body?: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const REQUESTS: Array<[method: string, path: string, status: number, body: string | undefined]> = (
  [
  ['GET', '/playground/missing.js', 404],
  ['GET', '/playground', 404],
  ['GET', '/playground/%00', 400],
  ['GET', '/playground/%E0%A4%A', 400],
  ['GET', '/playground/..%2F..%2Fpackage.json', 403],
  ['GET', '/nowhere', 404],
  ['POST', '/nowhere', 404, '{}'],
  ['DELETE', '/healthz', 404],
  ['PUT', '/feed.atom', 404],
  ['GET', '/%', 404],
  ['GET', '/feed.json/%E0', 404],
  ['POST', '/healthz', 404, '{"broken'],
  ] as const
).map(([method, path, status, body]) => [method, path, status, body]);

const STACK = /\bat .+[(/].*:\d+|node_modules|\.[jt]s:\d+/;

describe.each(['development', 'production'])('with NODE_ENV=%s', (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: mode } });
  });
  afterAll(() => server.stop());

  it.each(REQUESTS)('answers %s %s with %i as JSON, without a stack trace', async (method, path, status, body) => {
    const response = await send(server.app.port, method, path, body);
    expect(response.text).not.toMatch(STACK);
    expect(response.status).toBe(status);
    expect(response.type).toMatch(/^application\/json/);
    expect(JSON.parse(response.text)).toMatchObject({ errors: [{ message: expect.any(String), extensions: { code: expect.any(String) } }] });
  });
});

describe('an error thrown by a middleware', () => {
  let server: Server;
  const logs = capturingLogger('info');
  beforeAll(async () => {
    // The instance's own guard and final handlers around a route that fails, in development mode.
    const app = express().set('env', 'development');
    app.use(requestLog(logs.logger, new Metrics({ latestSeq: async () => 0n, relayedSeq: () => 0n, activeSubscriptions: () => 0, redis: () => 'not used', responseCache: () => ({ bytes: 0, entries: 0 }) })));
    app.get('/boom', () => {
      throw new Error('secret detail at /srv/app/src/thing.ts:12');
    });
    finishHttp(app, logs.logger);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is a 500 with INTERNAL_SERVER_ERROR and the request id, the cause only in the log', async () => {
    const response = await send((server.address() as AddressInfo).port, 'GET', '/boom');
    expect(response.status).toBe(500);
    expect(response.text).not.toMatch(STACK);
    expect(response.text).not.toContain('secret detail');
    const { errors } = JSON.parse(response.text);
    expect(errors[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
    const logged = logs.lines().find((line) => line.msg === 'unexpected error outside GraphQL');
    expect(logged).toMatchObject({ requestId: errors[0].extensions.requestId, err: { message: 'secret detail at /srv/app/src/thing.ts:12' } });
  });
});
