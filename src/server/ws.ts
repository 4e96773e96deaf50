import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { getOperationAST, GraphQLError, OperationTypeNode, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { SharedExecution } from '../feed/fanout';
import type { Context, ContextSource } from './context';
import { maskError } from './errors';

export interface WsParts {
  wss: WebSocketServer;
  shared: SharedExecution;
  /** Closes every socket with 1001 (going away) and stops accepting. */
  dispose(): Promise<void>;
}

/** graphql-ws on the same path as HTTP GraphQL, sharing its schema. */
export function createWs(
  config: Config,
  schema: GraphQLSchema,
  makeContext: (source: ContextSource) => Context,
  httpServer: Server,
  logger: Logger,
): WsParts {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 64 * 1024 });
  // Each feed event is executed once per distinct (document, variables), not once per socket.
  const validDocuments = new Map<string, DocumentNode>();
  const shared = new SharedExecution({ contextFor: (context) => makeContext({ requestId: (context as Context).requestId }) });
  const cleanup = useServer<Record<string, unknown> | undefined, { requestId?: string }>(
    {
      schema,
      subscribe: shared.subscribe,
      onConnect: (ctx) => {
        // graphql-ws keeps the upgrade request (and all its headers) for the socket's lifetime; nothing here reads it
        // after the handshake, and at thousands of idle sockets it is a good part of their memory.
        (ctx.extra as { request?: unknown }).request = undefined;
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        // Parsed here, inside a try, so a syntax error answers this one operation instead of closing the socket.
        // A document already validated is reused: thousands of sockets on one query share one parsed document.
        let document = validDocuments.get(payload.query);
        const known = document !== undefined;
        if (!document) {
          try {
            document = parse(payload.query);
          } catch (error) {
            return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document')];
          }
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Unknown or ambiguous operationName', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
        // Editors' writes go through HTTP, where their token is checked: the socket is for subscriptions.
        if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [new GraphQLError('Only subscription operations are supported over WebSocket', { extensions: { code: 'BAD_REQUEST' } })];
        }
        if (!known) {
          const errors = validate(schema, document);
          if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
          if (validDocuments.size >= 1000) validDocuments.clear();
          validDocuments.set(payload.query, document);
        }
        ctx.extra.requestId ??= randomUUID();
        const contextValue = makeContext({ requestId: ctx.extra.requestId });
        shared.attach(contextValue, ctx.extra.socket, id);
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onError: (ctx, _id, _payload, errors) =>
        errors.map((error) =>
          maskError(error.toJSON(), error, {
            exposeUnexpected: config.env === 'development',
            requestId: ctx.extra.requestId,
            onUnexpected: (cause) => logger.error({ err: cause, requestId: ctx.extra.requestId }, 'unexpected error'),
          }),
        ),
    },
    wss,
  );
  return {
    wss,
    shared,
    dispose: () => cleanup.dispose() as Promise<void>,
  };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

export { CloseCode };
