import { getNullableType, isListType, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { PageSizeLimits } from '../../common/pagination';

/** Items assumed in a list that has no `first` (a country's current policies, a record's sources). */
export const ASSUMED_LIST_SIZE = 5;

/**
 * Every field costs 1 plus what it selects; a connection multiplies what it
 * selects by its page size (`first`, or the default page size), any other
 * list by ASSUMED_LIST_SIZE. A connection's `edges` are already counted by
 * its `first`. A `first` above the maximum is counted as the maximum: the
 * page-size check then refuses it with BAD_USER_INPUT, the clearer answer.
 * A list fetched by `ids` (nodes) holds at most as many items as ids given,
 * bounded like a page.
 */
export function listEstimator(pageSize: PageSizeLimits): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (field.args.some((arg) => arg.name === 'first')) {
      const first = typeof args.first === 'number' ? Math.min(Math.max(args.first, 0), pageSize.max) : pageSize.default;
      return 1 + childComplexity * first;
    }
    if (Array.isArray(args.ids)) return 1 + childComplexity * Math.min(args.ids.length, pageSize.max);
    if (isListType(getNullableType(field.type)) && !(field.name === 'edges' && type.name.endsWith('Connection'))) {
      return 1 + childComplexity * ASSUMED_LIST_SIZE;
    }
    return 1 + childComplexity;
  };
}

export interface CostInput {
  document: DocumentNode;
  operationName?: string | null | undefined;
  /** The operation of `document` that runs, when the caller has it already. */
  operation?: OperationDefinitionNode | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * The estimated cost of the operation that will run, with its variables; null
 * when the variables do not fit the operation (execution then refuses them with
 * BAD_USER_INPUT, before any resolver runs). Call it only on a validated document:
 * validation bounds the fields this walk visits.
 */
export function operationCost(schema: GraphQLSchema, pageSize: PageSizeLimits, input: CostInput, maxNodes: number): number | null {
  try {
    return getComplexity({
      schema,
      query: input.document,
      ...(input.operationName ? { operationName: input.operationName } : {}),
      variables: input.variables ?? {},
      // @Field({ complexity }) in a type-graphql class overrides the estimate of that field.
      estimators: [fieldExtensionsEstimator(), listEstimator(pageSize)],
      maxQueryNodes: maxNodes,
    });
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) return Number.POSITIVE_INFINITY;
    return null;
  }
}
