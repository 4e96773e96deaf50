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
 * On the declared values handed on as the request's variables (never on the client's own object):
 * the guard, the response cache and shared execution ask about the same request one after another.
 * A hidden property costs a tenth of a WeakMap entry per request.
 */
const REMEMBERED = Symbol('declaredVariables');

/**
 * The one computation of an operation's variables key: every cache keyed by operation and
 * variables (answers, costs, shared subscription executions) keys on this and nothing else.
 */
export function declaredVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: unknown): DeclaredVariables {
  const given = typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? (variables as Record<string, unknown>) : undefined;
  const known = (given as { [REMEMBERED]?: Remembered } | undefined)?.[REMEMBERED];
  if (known && known.operation === operation && known.schema === schema) return known.declared;

  const definitions = operation.variableDefinitions ?? [];
  const values: Record<string, unknown> = {};
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (given && Object.prototype.hasOwnProperty.call(given, name)) values[name] = given[name];
  }
  const { coerced, errors } = getVariableValues(schema, definitions, values, { maxErrors: MAX_VALIDATION_ERRORS });
  const declared: DeclaredVariables = { values, key: coerced ? canonicalJson(coerced) : null, errors: errors ?? [] };
  Object.defineProperty(values, REMEMBERED, { value: { schema, operation, declared } satisfies Remembered });
  return declared;
}

/**
 * JSON with every object's keys in sorted order (what JSON.stringify writes otherwise: dates through
 * toJSON, undefined properties left out); bigints as strings of digits. Written out by hand: a
 * replacer function costs more than the coercion it follows.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return `"${value}"`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const parts: string[] = [];
  for (const name of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[name];
    if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol') parts.push(`${JSON.stringify(name)}:${canonicalJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}
