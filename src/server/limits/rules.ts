import { getNamedType, GraphQLError, isIntrospectionType, type ASTNode, type ValidationRule } from 'graphql';
import { ErrorCode } from '../../common/errors';
import { measureOperations } from './shape';

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

function count(value: number): string {
  return Number.isFinite(value) && value < 1e12 ? String(value) : 'more than a trillion';
}
