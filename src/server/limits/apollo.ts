import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import { MAX_VALIDATION_ERRORS, type OperationGuard } from './guard';

export interface ApolloLimits {
  /** Spread into ApolloServer's options. */
  options: {
    /** Enforced by the guard's rules (the same on WebSocket), not by Apollo's own switch. */
    introspection: true;
    validationRules: ValidationRule[];
    parseOptions: ParseOptions;
    validationOptions: { maxErrors: number };
  };
  plugin: ApolloServerPlugin<BaseContext>;
}

/**
 * The guard's limits on Apollo's pipeline: the token limit as a parse option,
 * the guard's validation rules next to graphql's, and the cost checked once
 * the operation and its variables are known (a GraphQLError thrown there
 * becomes a 400 response with its code, from extensions.http). Variables the
 * operation does not declare are dropped there, before anything else (the
 * response cache, execution) sees them.
 */
export function apolloLimits(guard: OperationGuard): ApolloLimits {
  return {
    options: {
      introspection: true,
      validationRules: [...guard.rules],
      parseOptions: guard.parseOptions,
      validationOptions: { maxErrors: MAX_VALIDATION_ERRORS },
    },
    plugin: {
      async requestDidStart() {
        return {
          async validationDidStart() {
            return async (errors) => {
              if (errors) guard.hideSchemaDetails(errors);
            };
          },
          async didResolveOperation({ document, operation, request }) {
            if (operation) request.variables = guard.declared(operation, request.variables).values;
            guard.checkCost({ document, operation, operationName: request.operationName, variables: request.variables });
          },
        };
      },
    },
  };
}
