import { getNamedType, GraphQLError, isIntrospectionType, type ASTNode, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import { ErrorCode } from '../../common/errors';
import { measureOperations } from './shape';

/** Validation stops after this many errors: a document of 1000 bad directives gets a short answer. */
export const MAX_VALIDATION_ERRORS = 10;

export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Fields after expanding fragments; every field costs at least 1, so the cost limit bounds it too. */
  maxSelections: number;
}

/** A refusal of what an operation asks for: a stable code, the limit, HTTP 400. */
export function limitError(code: ErrorCode, message: string, limit: number, nodes?: ASTNode | readonly ASTNode[]): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code, limit, http: { status: 400 } } });
}

/** Depth, aliases, directives and fan-out of every operation, measured in one linear pass over the document. */
export function shapeRule(limits: ShapeLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      for (const { operation, shape } of measureOperations(document)) {
        const name = operation.name ? `Operation "${operation.name.value}"` : 'The operation';
        if (shape.depth > limits.maxDepth) {
          context.reportError(
            limitError(ErrorCode.QUERY_TOO_DEEP, `${name} nests fields ${shape.depth} deep; the limit is ${limits.maxDepth}.`, limits.maxDepth, operation),
          );
        }
        if (shape.aliases > limits.maxAliases) {
          context.reportError(
            limitError(ErrorCode.TOO_MANY_ALIASES, `${name} uses ${count(shape.aliases)} aliases; the limit is ${limits.maxAliases}.`, limits.maxAliases, operation),
          );
        }
        if (shape.directives > limits.maxDirectives) {
          context.reportError(
            limitError(
              ErrorCode.TOO_MANY_DIRECTIVES,
              `${name} uses ${count(shape.directives)} directives; the limit is ${limits.maxDirectives}.`,
              limits.maxDirectives,
              operation,
            ),
          );
        }
        if (shape.selections > limits.maxSelections) {
          context.reportError(
            limitError(
              ErrorCode.QUERY_TOO_COMPLEX,
              `${name} expands to ${count(shape.selections)} fields; the limit is ${limits.maxSelections}.`,
              limits.maxSelections,
              operation,
            ),
          );
        }
      }
      // Measured from the document itself: nothing below needs this rule's visit.
      return false;
    },
  });
}

/** `__schema` and `__type` refused (`__typename` stays); the same rule on both transports. */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type && isIntrospectionType(type)) {
      context.reportError(
        new GraphQLError(`Introspection is disabled on this server; "${node.name.value}" cannot be queried.`, {
          nodes: node,
          extensions: { code: ErrorCode.INTROSPECTION_DISABLED, http: { status: 400 } },
        }),
      );
    }
  },
});

/**
 * Two limits graphql-js enforces itself, with errors that carry no code of
 * their own: its parser stops past maxTokens (MAX_QUERY_TOKENS), and its
 * validation gives up ("Validation aborted.") when comparing overlapping
 * fields would cost too much, e.g. one field selected 1500 times ("more
 * that" is graphql-js's own spelling, matched either way). Both
 * reach the client, on either transport, with our code and a plain message.
 */
export function explainGraphqlLimit(formatted: GraphQLFormattedError): GraphQLFormattedError | null {
  const tokens = /^Syntax Error: Document contains more (?:than|that) (\d+) tokens\. Parsing aborted\.$/.exec(formatted.message);
  if (tokens) {
    return {
      message: `The document has more than ${tokens[1]} tokens; the limit is ${tokens[1]}.`,
      extensions: { code: ErrorCode.TOO_MANY_TOKENS, limit: Number(tokens[1]) },
    };
  }
  if (formatted.message === 'Validation aborted.') {
    return {
      message: 'The operation is too complex to validate (too many overlapping fields or fragments); simplify it.',
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
    };
  }
  return null;
}

function count(value: number): string {
  return Number.isFinite(value) && value < 1e12 ? String(value) : 'more than a trillion';
}
