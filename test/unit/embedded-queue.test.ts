import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { BatchQueue } from '../../src/db/embedded-queue';
import { socketServer } from '../../src/db/embedded';

/**
 * The embedded socket server shares one PGlite session between connections. Two connections'
 * extended-protocol batches, queued message by message as the server queues them, must each get
 * their own statement's rows (electric-sql/pglite#1046: the server's own queue interleaves them).
 */
const cstr = (text: string) => Buffer.from(`${text}\0`);
function message(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}
const int16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Parse, Bind (text parameters), Execute, Sync of the unnamed statement. */
function batch(sql: string, params: string[]): Buffer[] {
  const values = params.map((p) => Buffer.concat([int32(Buffer.byteLength(p)), Buffer.from(p)]));
  return [
    message('P', Buffer.concat([cstr(''), cstr(sql), int16(0)])),
    message('B', Buffer.concat([cstr(''), cstr(''), int16(0), int16(params.length), ...values, int16(0)])),
    message('E', Buffer.concat([cstr(''), int32(0)])),
    message('S', Buffer.alloc(0)),
  ];
}

interface Reply {
  rows: string[];
  errors: string[];
}

/** The DataRow values and ErrorResponse messages in a connection's replies. */
function parse(bytes: Buffer): Reply {
  const reply: Reply = { rows: [], errors: [] };
  for (let at = 0; at + 5 <= bytes.length; ) {
    const type = String.fromCharCode(bytes[at]!);
    const length = bytes.readInt32BE(at + 1);
    const body = bytes.subarray(at + 5, at + 1 + length);
    if (type === 'D') {
      const size = body.readInt32BE(2);
      reply.rows.push(body.subarray(6, 6 + size).toString());
    } else if (type === 'E') {
      reply.errors.push(body.toString('utf8').replace(/\0/g, ' ').trim());
    }
    at += 1 + length;
  }
  return reply;
}

type Queue = Pick<BatchQueue, 'enqueue'>;
/** The servers below are never started: the test drives their queue directly. */
const UNUSED_SOCKET = '/nonexistent/.s.PGSQL.5432';

/** Two connections' batches, message by message, alternating (as two sockets' data events do). */
async function interleave(queue: Queue): Promise<[Reply, Reply]> {
  const a = batch('SELECT $1::text AS a', ['from A']);
  const b = batch('SELECT ($1::int + $2::int)::text AS b', ['1', '2']);
  const out: [Buffer[], Buffer[]] = [[], []];
  const sends: Array<Promise<number>> = [];
  for (let i = 0; i < a.length; i++) {
    sends.push(queue.enqueue(1, a[i]!, (data) => out[0].push(Buffer.from(data))).catch(() => 0));
    sends.push(queue.enqueue(2, b[i]!, (data) => out[1].push(Buffer.from(data))).catch(() => 0));
  }
  await Promise.all(sends);
  return [parse(Buffer.concat(out[0])), parse(Buffer.concat(out[1]))];
}

describe('the embedded socket server’s queue', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  }, 60_000);
  afterAll(() => db.close());

  it('keeps each connection’s statement batch together: each gets its own rows, no bind error', async () => {
    const queue = (socketServer(db, UNUSED_SOCKET) as unknown as { queryQueue: Queue }).queryQueue;
    const [a, b] = await interleave(queue);
    expect(a).toEqual({ rows: ['from A'], errors: [] });
    expect(b).toEqual({ rows: ['3'], errors: [] });
  });

  it('(the queue pglite-socket 0.2.17 comes with mixes the two batches up)', async () => {
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    const queue = (server as unknown as { queryQueue: Queue }).queryQueue;
    const [a, b] = await interleave(queue);
    // A binds one parameter to B's two-parameter statement: when this stops failing, upstream has fixed it.
    expect([...a.errors, ...b.errors].join(' ')).toMatch(/bind message supplies 1 parameters, but prepared statement "" requires 2/);
  });

  it('goes on after a message fails (the queue pglite-socket comes with stops for good)', async () => {
    const queue = (socketServer(db, UNUSED_SOCKET) as unknown as { queryQueue: Queue }).queryQueue;
    const failing = db.execProtocolRawStream.bind(db);
    let thrown = false;
    db.execProtocolRawStream = async (bytes, options) => {
      if (!thrown) {
        thrown = true;
        throw new Error('injected failure');
      }
      return failing(bytes, options);
    };
    try {
      await expect(queue.enqueue(1, batch('SELECT 1', [])[0]!, () => undefined)).rejects.toThrow('injected failure');
      const [a, b] = await interleave(queue);
      expect(a.rows).toEqual(['from A']);
      expect(b.rows).toEqual(['3']);
    } finally {
      db.execProtocolRawStream = failing;
    }
  }, 15_000);
});
