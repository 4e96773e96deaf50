/**
 * The floor: what the hardware allows with no framework. Plain graphql-js (documents parsed and
 * validated once, then cached), node:http, and hand-written SQL through a pg pool, each root
 * field answered by one statement that builds the whole tree as JSON inside PostgreSQL.
 * It serves only what the benchmark documents ask, with Borderwatch's type and field names, and
 * the write floor: recordPolicyChange as one call of a PL/pgSQL function (write.sql), no validation
 * beyond GraphQL's types, no announcement to other instances.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { Pool } from 'pg';
import { AT_SQL, COUNTRIES_SQL, DESTINATIONS_SQL, FEED_SQL, HISTORY_SQL, RECORD_SQL } from './sql';

const SDL = `
scalar Date
scalar DateTime
type Country { code: ID! name: String! currentPolicies: [Policy!]! policiesAt(date: Date!): [Policy!]! policyHistory(first: Int, after: String): PolicyConnection! }
type CountryEdge { cursor: String! node: Country! }
type CountryConnection { edges: [CountryEdge!]! pageInfo: PageInfo! totalCount: Int! }
type Source { url: String! publisher: String }
type Policy { id: ID! category: String! status: String! visaRequirement: String maxStayDays: Int title: String! effectiveFrom: Date! effectiveTo: Date country: Country! sources: [Source!]! }
type PolicyEdge { cursor: String! node: Policy! }
type PolicyConnection { edges: [PolicyEdge!]! pageInfo: PageInfo! totalCount: Int! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type PolicyChange { direction: String! policy: Policy! previous: Policy }
type Statement { id: ID! speaker: String! text: String! saidAt: DateTime! country: Country sources: [Source!]! }
type Event { id: ID! title: String! occurredOn: Date! country: Country sources: [Source!]! }
type Retraction { reason: String! }
union FeedItem = PolicyChange | Statement | Event | Retraction
type FeedEdge { cursor: String! kind: String! committedAt: DateTime! node: FeedItem! }
type FeedConnection { edges: [FeedEdge!]! pageInfo: PageInfo! }
type Query { feed(first: Int, after: String): FeedConnection! countries(first: Int, after: String): CountryConnection! country(code: ID!): Country nationality(code: ID!): Nationality }
type DestinationCountry { code: ID! }
type Destination { country: DestinationCountry! visa: Policy policies: [Policy!]! }
type Nationality { code: ID! destinations(date: Date): [Destination!]! }
type RecordedChange { cursor: String! direction: String! policy: Policy! previous: Policy }
input SourceInput { url: String! title: String! publisher: String publishedAt: Date retrievedAt: DateTime }
input RecordPolicyChangeInput {
  countryCode: ID! nationality: String category: String! status: String! visaRequirement: String maxStayDays: Int
  title: String! summary: String effectiveFrom: Date! changedAfter: Date announcedAt: Date verification: String
  expectedPreviousId: ID sources: [SourceInput!]!
}
type Mutation { recordPolicyChange(input: RecordPolicyChangeInput!): RecordedChange! }
`;

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
pool.on('error', () => undefined);

function cursor(value: string): string {
  return Buffer.from(value).toString('base64url');
}

function pageInfo<T>(rows: T[], size: number, cursorOf: (row: T) => string) {
  return {
    hasNextPage: rows.length > size,
    hasPreviousPage: false,
    startCursor: rows.length ? cursorOf(rows[0]!) : null,
    endCursor: rows.length ? cursorOf(rows[Math.min(size, rows.length) - 1]!) : null,
  };
}

/** Custom scalars from SDL serialise as they are: dates come from SQL as strings, timestamps as Dates (JSON: ISO). */
function makeSchema(): GraphQLSchema {
  return buildSchema(SDL);
}

interface CountryRow {
  code: string;
  name: string;
}

const rootValue = {
  async feed({ first, after }: { first?: number; after?: string }) {
    const size = first ?? 20;
    const before = after ? Buffer.from(after, 'base64url').toString() : null;
    const { rows } = await pool.query<{ seq: string; kind: string; committedAt: Date; node: unknown }>(FEED_SQL, [size + 1, before]);
    return {
      edges: rows.slice(0, size).map((row) => ({ cursor: cursor(row.seq), kind: row.kind, committedAt: row.committedAt, node: row.node })),
      pageInfo: pageInfo(rows, size, (row) => cursor(row.seq)),
    };
  },
  async countries({ first }: { first?: number }) {
    const size = first ?? 20;
    const { rows } = await pool.query<CountryRow & { total: string; currentPolicies: unknown[] }>(COUNTRIES_SQL, [size + 1]);
    return {
      edges: rows.slice(0, size).map((row) => ({ cursor: cursor(row.code), node: countryValue(row, row.currentPolicies) })),
      pageInfo: pageInfo(rows, size, (row) => cursor(row.code)),
      totalCount: Number(rows[0]?.total ?? 0),
    };
  },
  async country({ code }: { code: string }) {
    const { rows } = await pool.query<CountryRow>('SELECT code, name FROM country WHERE code = $1', [code]);
    return rows[0] ? countryValue(rows[0], null) : null;
  },
  nationality({ code }: { code: string }) {
    return {
      code,
      async destinations({ date }: { date?: string | null }) {
        const day = date ?? new Date().toISOString().slice(0, 10);
        const { rows } = await pool.query<{ code: string; policies: Array<{ category: string }> }>(DESTINATIONS_SQL, [code, day]);
        return rows.map((row) => ({ country: { code: row.code }, visa: row.policies.find((p) => p.category === 'VISA') ?? null, policies: row.policies }));
      },
    };
  },
  /** The same write as Borderwatch's, in one round trip (write.sql); the token is checked inside it. */
  async recordPolicyChange({ input }: { input: unknown }, context: { authorization: string | undefined }) {
    const token = /^Bearer\s+(\S+)$/i.exec(context.authorization ?? '')?.[1] ?? '';
    const { rows } = await pool.query<{ change: { seq: string; direction: string; policy: unknown; previous: unknown } }>(RECORD_SQL, [
      createHash('sha256').update(token).digest('hex'),
      JSON.stringify(input),
    ]);
    const { seq, ...change } = rows[0]!.change;
    return { cursor: cursor(seq), ...change };
  },
};

function countryValue(row: CountryRow, currentPolicies: unknown[] | null) {
  return {
    code: row.code,
    name: row.name,
    currentPolicies: currentPolicies ?? (async () => (await pool.query(AT_SQL, [row.code, new Date().toISOString().slice(0, 10)])).rows),
    async policiesAt({ date }: { date: string }) {
      return (await pool.query(AT_SQL, [row.code, date])).rows;
    },
    async policyHistory({ first }: { first?: number }) {
      const size = first ?? 20;
      const { rows } = await pool.query<{ id: string; total: string; effectiveFrom: string }>(HISTORY_SQL, [row.code, size + 1]);
      const cursorOf = (r: { id: string; effectiveFrom: string }) => cursor(`${r.effectiveFrom}/${r.id}`);
      return {
        edges: rows.slice(0, size).map((r) => ({ cursor: cursorOf(r), node: r })),
        pageInfo: pageInfo(rows, size, cursorOf),
        totalCount: Number(rows[0]?.total ?? 0),
      };
    },
  };
}

const schema = makeSchema();
const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();

function prepare(query: string): DocumentNode | readonly GraphQLError[] {
  let prepared = documents.get(query);
  if (!prepared) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      prepared = errors.length ? errors : document;
    } catch (error) {
      prepared = [error as GraphQLError];
    }
    if (documents.size < 1000) documents.set(query, prepared);
  }
  return prepared;
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(req.url === '/healthz' ? 200 : 405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    let body: { query: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      res.writeHead(400).end();
      return;
    }
    const document = prepare(body.query);
    const result = Array.isArray(document)
      ? { errors: document }
      : await execute({
          schema,
          document: document as DocumentNode,
          rootValue,
          contextValue: { authorization: req.headers.authorization },
          variableValues: body.variables,
          operationName: body.operationName,
        });
    const json = JSON.stringify(result);
    res.writeHead(Array.isArray(document) ? 400 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`floor on ${process.env.PORT}`));
const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
