import { getVariableValues, GraphQLError, parse, specifiedRules, validate, type OperationDefinitionNode, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type { PageSizeLimits } from '../../common/pagination';
import type { Config } from '../../config/config';
import { operationCost, type CostInput } from './cost';
import { noIntrospectionRule, shapeRule } from './rules';

export type OperationLimits = Config['limits'];

/** Validation stops after this many errors: a document of 1000 bad directives gets a short answer. */
export const MAX_VALIDATION_ERRORS = 10;

/** Variable sets remembered per document; a client varying them endlessly only restarts the count. */
const COSTS_PER_DOCUMENT = 256;

/**
 * The one set of limits on GraphQL operations, for both transports. Apollo
 * (HTTP) gets the pieces it takes as options (see limits/apollo.ts); graphql-ws
 * (WebSocket) calls parse, validate and checkCost itself in onSubscribe.
 */
export class OperationGuard {
  /**
   * Costs already computed, by document (Apollo and the WebSocket side hand the
   * same parsed document for the same text) and then by operation and variables:
   * the walk was a tenth of a small request.
   */
  private readonly costs = new WeakMap<DocumentNode, Map<string, number | null>>();

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
  checkVariables(operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): GraphQLError[] {
    const { errors } = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: MAX_VALIDATION_ERRORS });
    return (errors ?? []).map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } }));
  }

  private costOf(input: CostInput): number | null {
    let byInput = this.costs.get(input.document);
    if (!byInput) this.costs.set(input.document, (byInput = new Map()));
    const key = `${input.operationName ?? ''}\u0000${JSON.stringify(input.variables ?? {})}`;
    if (byInput.has(key)) return byInput.get(key)!;
    const cost = operationCost(this.schema, this.pageSize, input, this.limits.maxCost * 4);
    if (byInput.size >= COSTS_PER_DOCUMENT) byInput.clear();
    byInput.set(key, cost);
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
