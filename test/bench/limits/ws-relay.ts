/**
 * Limit and fan-out floor: a bare `ws` server with one ioredis subscriber. It speaks just enough
 * of the graphql-transport-ws protocol for the benchmark's client harness (connection_init →
 * connection_ack, subscribe with variables.filter.countryCodes), and for every Redis message
 * sends the message's precomputed payload to each matching socket: one JSON.parse per message,
 * one serialisation per message, no GraphQL, no database.
 */
import { createServer } from 'node:http';
import Redis from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';

interface Subscriber {
  socket: WebSocket;
  id: string;
  countries: Set<string> | null;
}

interface Notice {
  seq: number;
  countryCodes: string[];
  payload: unknown;
}

const subscribers = new Set<Subscriber>();
const channel = process.env.BENCH_RELAY_CHANNEL ?? 'bwbench:relay';

const server = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 64 * 1024 });
wss.on('connection', (socket) => {
  let subscriber: Subscriber | null = null;
  socket.on('message', (data) => {
    let message: { type?: string; id?: string; payload?: { variables?: { filter?: { countryCodes?: string[] } | null } } };
    try {
      message = JSON.parse(data.toString());
    } catch {
      socket.close(4400, 'bad message');
      return;
    }
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (message.type === 'ping') socket.send('{"type":"pong"}');
    else if (message.type === 'subscribe' && message.id) {
      const codes = message.payload?.variables?.filter?.countryCodes;
      subscriber = { socket, id: message.id, countries: codes ? new Set(codes) : null };
      subscribers.add(subscriber);
    } else if (message.type === 'complete' && subscriber) subscribers.delete(subscriber);
  });
  socket.on('close', () => {
    if (subscriber) subscribers.delete(subscriber);
  });
});

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
redis.on('message', (_channel: string, text: string) => {
  const notice = JSON.parse(text) as Notice;
  const payload = JSON.stringify(notice.payload);
  const frames = new Map<string, string>();
  for (const subscriber of subscribers) {
    if (subscriber.countries && !notice.countryCodes.some((code) => subscriber.countries!.has(code))) continue;
    let frame = frames.get(subscriber.id);
    if (!frame) {
      frame = `{"id":${JSON.stringify(subscriber.id)},"type":"next","payload":${payload}}`;
      frames.set(subscriber.id, frame);
    }
    subscriber.socket.send(frame);
  }
});

void redis.subscribe(channel).then(() => {
  server.listen(Number(process.env.PORT), '127.0.0.1');
});
process.on('SIGTERM', () => {
  redis.disconnect();
  process.exit(0);
});
