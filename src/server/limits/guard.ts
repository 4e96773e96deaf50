import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type OperationDefinitionNode, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../../common/errors';
import type { PageSizeLimits } from '../../common/pagination';
import type { Config } from '../../config/config';
import { operationCost, type CostInput } from './cost';
import { declaredVariables, type DeclaredVariables } from './operation-key';
import { MAX_VALIDATION_ERRORS, noIntrospectionRule, shapeRule } from './rules';

export { MAX_VALIDATION_ERRORS };

export type OperationLimits = Config['limits'];

/** Memory for remembered costs, keys included (a key holds the declared variables, which a client may make large). */
const COST_CACHE_BYTES = 4 * 2 ** 20;
/** What an entry costs beyond its key: the number, and lru-cache's bookkeeping. */
const COST_ENTRY_BYTES = 64;

/**
 * The one set of limits on GraphQL operations, for both transports. Apollo
 * (HTTP) gets the pieces it takes as options (see limits/apollo.ts); graphql-ws
 * (WebSocket) calls parse, validate and checkCost itself in onSubscribe.
 */
export class OperationGuard {
  /**
   * Costs already computed, by document (Apollo and the WebSocket side hand the
   * same parsed document for the same text), operation and declared variables:
   * the walk was a tenth of a small request. Bounded in bytes, keys included.
   */
  private readonly costs = new LRUCache<string, number>({
    maxSize: COST_CACHE_BYTES,
    sizeCalculation: (_cost, key) => key.length + COST_ENTRY_BYTES,
  });
  /** A short id per parsed document, for the cost keys; never reused, so a new document never meets an old one's cost. */
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  private nextDocumentId = 0;

  /** Our rules only; Apollo adds graphql's specifiedRules itself. */
  readonly rules: readonly ValidationRule[];
  readonly parseOptions: ParseOptions;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: OperationLimits,
    private readonly pageSize: PageSizeLimits,
    /** With introspection off, the schema is not described in error messages either ("Did you mean ...?"). */
    readonly introspection: boolean,
  ) {
    this.rules = [
      shapeRule({ maxDepth: limits.maxDepth, maxAliases: limits.maxAliases, maxDirectives: limits.maxDirectives, maxSelections: limits.maxCost }),
      ...(introspection ? [] : [noIntrospectionRule]),
    ];
    this.parseOptions = { maxTokens: limits.maxTokens };
  }

  /**
   * graphql's parse, which gives up past maxTokens tokens; a syntax error gets
   * GRAPHQL_PARSE_FAILED (maskError then tells the token limit apart, as on HTTP).
   */
  parse(source: string): DocumentNode {
    try {
      return parse(source, this.parseOptions);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      throw new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    }
  }

  /** graphql's rules and ours, as Apollo runs them on HTTP. */
  validate(document: DocumentNode): readonly GraphQLError[] {
    const errors = validate(this.schema, document, [...specifiedRules, ...this.rules], { maxErrors: MAX_VALIDATION_ERRORS });
    this.hideSchemaDetails(errors);
    return errors;
  }

  /** With introspection off, validation messages stop suggesting names ("Did you mean ...?"), as Apollo's option does. */
  hideSchemaDetails(errors: readonly Error[]): void {
    if (this.introspection) return;
    for (const error of errors) error.message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
  }

  /**
   * Variables that do not fit the operation, as BAD_USER_INPUT errors (what
   * Apollo answers on HTTP); graphql-js's own errors for them carry no code.
   */
  checkVariables(declared: DeclaredVariables): GraphQLError[] {
    return declared.errors.map(
      (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } }),
    );
  }

  /** The operation's declared variables and their key (limits/operation-key.ts); undeclared ones are dropped. */
  declared(operation: OperationDefinitionNode, variables: unknown): DeclaredVariables {
    return declaredVariables(this.schema, operation, variables);
  }

  /** Null when there is no such operation or its variables do not fit: execution then refuses it with BAD_USER_INPUT. */
  private costOf(input: CostInput): number | null {
    const operation = input.operation ?? getOperationAST(input.document, input.operationName);
    if (!operation) return null;
    const declared = this.declared(operation, input.variables);
    if (declared.key === null) return null;
    let documentId = this.documentIds.get(input.document);
    if (documentId === undefined) this.documentIds.set(input.document, (documentId = this.nextDocumentId++));
    const key = `${documentId}\u0000${input.operationName ?? ''}\u0000${declared.key}`;
    const known = this.costs.get(key);
    if (known !== undefined) return known;
    const cost = operationCost(this.schema, this.pageSize, { ...input, variables: declared.values }, this.limits.maxCost * 4);
    if (cost !== null) this.costs.set(key, cost);
    return cost;
  }

  /** Throws QUERY_TOO_COMPLEX when the operation, with its variables, costs more than maxCost. */
  checkCost(input: CostInput): void {
    const cost = this.costOf(input);
    if (cost !== null && cost > this.limits.maxCost) {
      const shown = Number.isFinite(cost) ? String(cost) : `more than ${this.limits.maxCost}`;
      throw new GraphQLError(`The operation costs ${shown}; the limit is ${this.limits.maxCost}. Ask for smaller pages or fewer nested lists.`, {
        extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: this.limits.maxCost, cost: Number.isFinite(cost) ? cost : null, http: { status: 400 } },
      });
    }
  }
}
