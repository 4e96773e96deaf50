import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GraphQLError } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../common/errors';
import { ConfigError } from '../config/config';
import { FEED_ITEM_QUERY } from '../feed/feed-item.query';
import { MAP_OPERATIONS } from '../map/map.queries';
import { EXAMPLES } from '../playground/examples';

/** What a client sent, on any transport (HTTP body or GET parameters, a graphql-ws subscribe payload, SSE). */
export interface OperationRequest {
  query?: unknown;
  extensions?: unknown;
  /** The GraphQL-over-HTTP persisted-operations key, as GraphQL Code Generator's client preset sends it. */
  documentId?: unknown;
}

/**
 * The operations this server's own pages send: the map's queries and
 * subscription, the playground's example tabs and the query a news-feed item
 * links to. They are imported from the modules the pages are built from, so
 * they are trusted automatically, whatever the manifest holds, and cannot drift.
 */
export const BUILT_IN_DOCUMENTS: readonly string[] = [
  ...MAP_OPERATIONS,
  FEED_ITEM_QUERY,
  ...EXAMPLES.map((example) => example.query),
];

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Trusted documents (TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_ONLY): a manifest
 * of operations keyed by their SHA-256, in the format of GraphQL Code
 * Generator's client preset (`persisted-documents.json`: `{ "<sha256 hex>":
 * "<document>" }`). Every transport asks `admit` what to run, so that the
 * rule is one rule: HTTP (before Apollo), the WebSocket (onSubscribe) and any
 * later one.
 */
export class TrustedDocuments {
  private readonly byHash: ReadonlyMap<string, string>;
  private readonly texts: ReadonlySet<string>;

  constructor(
    manifest: ReadonlyMap<string, string>,
    /** TRUSTED_DOCUMENTS_ONLY: everything else is refused with PERSISTED_QUERY_NOT_ALLOWED. */
    readonly only: boolean,
  ) {
    const byHash = new Map(manifest);
    for (const text of BUILT_IN_DOCUMENTS) byHash.set(sha256Hex(text), text);
    this.byHash = byHash;
    this.texts = new Set(byHash.values());
  }

  get size(): number {
    return this.byHash.size;
  }

  /**
   * The document text to run, or the error to answer with. `undefined` means
   * the request names no document this module knows and trusted documents are
   * not required: the transport's own rules apply (over HTTP, Apollo's
   * automatic persisted queries; a request with neither text nor hash gets the
   * transport's usual refusal).
   *
   * - Text: run as sent, unless only trusted documents may run and it is not one.
   * - `documentId` ("<sha256 hex>" or "sha256:<hex>") or
   *   `extensions.persistedQuery.sha256Hash` without text: the listed document.
   */
  admit(request: OperationRequest): string | GraphQLError | undefined {
    if (typeof request.query === 'string' && request.query !== '') {
      if (!this.only || this.texts.has(request.query)) return request.query;
      return notAllowed('Only trusted documents may run on this server: send the hash of a listed operation (extensions.persistedQuery.sha256Hash or documentId)');
    }
    const documentId = typeof request.documentId === 'string' ? request.documentId.replace(/^sha256:/, '').toLowerCase() : undefined;
    const hash = documentId ?? apqHash(request.extensions);
    if (hash === undefined) return this.only && request.documentId !== undefined ? notAllowed('documentId must be a string') : undefined;
    const text = this.byHash.get(hash);
    if (text !== undefined) return text;
    if (this.only) return notAllowed(`No trusted document has the hash ${shortHash(hash)}`);
    // A documentId names a listed document: there is no text to learn it from later.
    if (documentId !== undefined) {
      return new GraphQLError(`No trusted document has the id ${shortHash(hash)}`, {
        extensions: { code: ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND },
      });
    }
    return undefined;
  }
}

/** Reads and checks a manifest; a document whose hash is not its key stops the start, naming both. */
export async function loadTrustedDocuments(file: string | undefined, only: boolean): Promise<TrustedDocuments> {
  if (file === undefined) return new TrustedDocuments(new Map(), only);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`TRUSTED_DOCUMENTS: cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`TRUSTED_DOCUMENTS: ${file} must hold a JSON object { "<sha256 hex>": "<document>" } (GraphQL Code Generator's persisted-documents.json)`);
  }
  const manifest = new Map<string, string>();
  for (const [key, text] of Object.entries(parsed)) {
    if (!SHA256_HEX.test(key)) throw new ConfigError(`TRUSTED_DOCUMENTS: ${file}: key "${shortHash(key)}" is not a SHA-256 in lower-case hex (64 characters)`);
    if (typeof text !== 'string') throw new ConfigError(`TRUSTED_DOCUMENTS: ${file}: the document under ${shortHash(key)} is not a string`);
    const actual = sha256Hex(text);
    if (actual !== key) {
      throw new ConfigError(
        `TRUSTED_DOCUMENTS: ${file}: the document listed under ${key} has the SHA-256 ${actual}; the manifest does not match its documents (regenerate it, and hash each document's exact text)`,
      );
    }
    manifest.set(key, text);
  }
  return new TrustedDocuments(manifest, only);
}

function apqHash(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function notAllowed(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_ALLOWED } });
}

/** Client input echoed in a message is bounded. */
function shortHash(hash: string): string {
  return hash.length <= 64 ? JSON.stringify(hash) : `${JSON.stringify(hash.slice(0, 64))}…`;
}
