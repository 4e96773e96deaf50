import { getVariableValues, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { MAX_VALIDATION_ERRORS } from './rules';

/** An operation's variables as everything after parsing sees them: only the declared ones, and one key for them. */
export interface DeclaredVariables {
  /**
   * The variables the operation declares, as the client sent them. Undeclared ones are dropped
   * here, before anything executes, prices or caches the operation (graphql-js ignores them too).
   */
  readonly values: Record<string, unknown>;
  /**
   * Their coerced values as canonical JSON (object keys sorted): inputs that execute the same get
   * the same key ("1" and 1 for an ID, a single value and a list of it). Null when they do not fit.
   */
  readonly key: string | null;
  /** Why they do not fit, as graphql-js says it (no code). */
  readonly errors: readonly GraphQLError[];
}

interface Remembered {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  declared: DeclaredVariables;
}

/**
 * By variables object: the guard, the response cache and shared execution ask about the same
 * request one after another, and the declared values are handed on as the request's variables.
 */
const remembered = new WeakMap<object, Remembered>();

/**
 * The one computation of an operation's variables key: every cache keyed by operation and
 * variables (answers, costs, shared subscription executions) keys on this and nothing else.
 */
export function declaredVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: unknown): DeclaredVariables {
  const given = typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? (variables as Record<string, unknown>) : undefined;
  const known = given ? remembered.get(given) : undefined;
  if (known && known.operation === operation && known.schema === schema) return known.declared;

  const definitions = operation.variableDefinitions ?? [];
  const values: Record<string, unknown> = {};
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (given && Object.prototype.hasOwnProperty.call(given, name)) values[name] = given[name];
  }
  const { coerced, errors } = getVariableValues(schema, definitions, values, { maxErrors: MAX_VALIDATION_ERRORS });
  const declared: DeclaredVariables = { values, key: coerced ? canonicalJson(coerced) : null, errors: errors ?? [] };
  const entry = { schema, operation, declared };
  remembered.set(values, entry);
  if (given) remembered.set(given, entry);
  return declared;
}

/** JSON with every object's keys in sorted order; dates as JSON writes them, bigints as digits. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const name of Object.keys(item).sort()) sorted[name] = (item as Record<string, unknown>)[name];
    return sorted;
  });
}
