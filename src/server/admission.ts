import { getOperationAST, GraphQLError, type DocumentNode, type OperationDefinitionNode, type OperationTypeNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { OperationGuard } from './limits/guard';

/** Memory for parsed documents kept by their text (estimated: a parsed token, with its node, is a few hundred bytes). */
const DOCUMENT_CACHE_BYTES = 16 * 2 ** 20;
const BYTES_PER_TOKEN = 300;

/** An operation as a streaming transport receives it (graphql-ws `subscribe` payload, graphql-sse request parameters). */
export interface OperationRequest {
  query?: string | null | undefined;
  operationName?: string | null | undefined;
  variables?: unknown;
  extensions?: unknown;
}

/** What passed: ready to execute. */
export interface AdmittedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Only the variables the operation declares. */
  variableValues: Record<string, unknown>;
}

export type Admission =
  | ({ ok: true } & AdmittedOperation)
  | { ok: false; errors: GraphQLError[]; /** For metrics: the operation type when it was known. */ type: string };

/**
 * The document text to run for a request, the error that refuses it, or undefined for the text the client
 * sent. The one place where a request's text is decided before parsing, on every streaming transport:
 * trusted documents (TRUSTED_DOCUMENTS_ONLY, a hash instead of the text) plug in here.
 */
export type DocumentResolver = (request: OperationRequest) => string | GraphQLError | undefined;

/** Without trusted documents: the text the client sent. */
export const clientText: DocumentResolver = () => undefined;

/**
 * The admission of an operation on the streaming transports (WebSocket, Server-Sent Events), in one
 * place: the document (with its cache of valid documents), the operation type the transport takes,
 * the guard's validation, variables and cost (src/server/limits). HTTP gets the same guard through
 * Apollo's options (limits/apollo.ts). Refusals come back as GraphQL errors with their codes, never thrown.
 */
export class OperationAdmission {
  // Documents that passed parse and validation, by text: thousands of sockets on one query share one parsed
  // document. Bounded in bytes, the text (the key) included.
  private readonly validDocuments = new LRUCache<string, DocumentNode>({
    maxSize: DOCUMENT_CACHE_BYTES,
    sizeCalculation: (document, text) => text.length + BYTES_PER_TOKEN * tokenCount(document),
  });

  constructor(
    private readonly guard: OperationGuard,
    private readonly resolveText: DocumentResolver = clientText,
  ) {}

  /** `allowed`: the operation types this transport runs; `transport` names it in the refusal. */
  admit(request: OperationRequest, allowed: readonly OperationTypeNode[], transport: string): Admission {
    const refuse = (errors: GraphQLError[], type = 'unknown'): Admission => ({ ok: false, errors, type });
    const resolved = this.resolveText(request);
    if (resolved instanceof GraphQLError) return refuse([resolved]);
    const text = resolved ?? request.query;
    if (typeof text !== 'string' || text === '') return refuse([new GraphQLError('The operation has no query text', { extensions: { code: 'BAD_REQUEST' } })]);
    // Parsed here, inside a try, so a syntax error answers this one operation instead of ending the connection.
    let document = this.validDocuments.get(text);
    const known = document !== undefined;
    if (!document) {
      try {
        document = this.guard.parse(text);
      } catch (error) {
        return refuse([error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
      }
    }
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return refuse([new GraphQLError('Unknown or ambiguous operationName', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]);
    if (!allowed.includes(operation.operation)) {
      return refuse(
        [new GraphQLError(`Only ${allowed.join(' and ')} operations are supported over ${transport}`, { extensions: { code: 'BAD_REQUEST' } })],
        operation.operation,
      );
    }
    if (!known) {
      const errors = this.guard.validate(document);
      if (errors.length > 0) return refuse(errors.map((error) => withDefaultCode(error, 'GRAPHQL_VALIDATION_FAILED')), operation.operation);
      this.validDocuments.set(text, document);
    }
    // Only the declared variables go on (limits/operation-key.ts): an undeclared one is ignored, as on HTTP.
    const declared = this.guard.declared(operation, request.variables);
    const badVariables = this.guard.checkVariables(declared);
    if (badVariables.length > 0) return refuse(badVariables, operation.operation);
    try {
      this.guard.checkCost({ document, operation, operationName: request.operationName ?? undefined, variables: declared.values });
    } catch (error) {
      return refuse([error as GraphQLError], operation.operation);
    }
    return { ok: true, document, operation, variableValues: declared.values };
  }
}

/** Tokens of a parsed document (at most MAX_QUERY_TOKENS: the parser stops beyond). */
function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) count += 1;
  return count;
}

/** Keeps a code the error already has (QUERY_TOO_DEEP...), otherwise files it under `code`. */
function withDefaultCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}
