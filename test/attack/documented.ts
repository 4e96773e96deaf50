import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../../src/common/errors';
import type { HttpAnswer } from './net';

/**
 * What the README documents as answers, the suite's yardstick for "a documented refusal":
 * the stable error codes (README "Errors", "Limits on operations"), the HTTP statuses of the
 * checklist, and the WebSocket close codes of "Rate limits and WebSocket close codes".
 * INTERNAL_SERVER_ERROR is documented too, but as the mark of a bug: never an answer to input.
 */
export const DOCUMENTED_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.BAD_REQUEST,
]);

/**
 * A refusal outside GraphQL (static files, news feeds, bodies refused before GraphQL) is any 4xx
 * the README's checklist names or a plain refusal like 404 / 403; 503 is an outage or a shutdown.
 * Any other 5xx is a failure the server did not explain.
 */
export function documentedStatus(status: number): boolean {
  return (status >= 200 && status < 500) || status === 503;
}

/**
 * Close codes (README table). 1000 is the client's own close; 1006 (no close frame) is the
 * server cutting a peer that stopped answering pings, and any socket of a killed instance.
 */
export const DOCUMENTED_CLOSE_CODES = new Set([1000, 1001, 1002, 1005, 1006, 1007, 1008, 1009, 4400, 4401, 4406, 4408, 4409, 4429]);

/** A stack frame (`    at fn (file.js:1:2)`) or a stack property: no answer may carry one. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at\s+\S.*:\d+:\d+\)?/.test(text) || /"stack(trace)?"\s*:/.test(text);
}

export interface Classified {
  /** "ok", the first error's code, "http <status>", or a network error. */
  outcome: string;
  /** Why this answer is not a documented one, when it is not. */
  undocumented?: string;
}

/** A GraphQL-over-HTTP answer, as the suite files it. */
export function classifyGraphQL(answer: HttpAnswer): Classified {
  if (!answer.ok) return { outcome: answer.error };
  if (hasStackTrace(answer.text)) return { outcome: `http ${answer.status}`, undocumented: `stack trace in a ${answer.status} answer: ${answer.text.slice(0, 200)}` };
  const errors: Array<{ message?: string; extensions?: { code?: unknown } }> | undefined = answer.json?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const codes = errors.map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'no code'));
    const bad = codes.find((code) => !DOCUMENTED_CODES.has(code));
    const outcome = codes[0]!;
    return bad ? { outcome, undocumented: `${bad} (${answer.status}): ${JSON.stringify(errors[codes.indexOf(bad)]).slice(0, 200)}` } : { outcome };
  }
  if (answer.json && typeof answer.json === 'object' && 'data' in answer.json) {
    return answer.status === 200 ? { outcome: 'ok' } : { outcome: `http ${answer.status}`, undocumented: `data with status ${answer.status}` };
  }
  const outcome = `http ${answer.status}`;
  return documentedStatus(answer.status) ? { outcome } : { outcome, undocumented: `status ${answer.status}: ${answer.text.slice(0, 200)}` };
}
