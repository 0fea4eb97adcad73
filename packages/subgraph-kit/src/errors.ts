import type { DocumentProblem } from '@alphintra/core';
import { GraphQLError } from 'graphql';

/** Error codes a client can act on; anything else is masked as INTERNAL_SERVER_ERROR. */
export const USER_ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  // The caller has as many backtests queued or running as allowed (BACKTEST_MAX_ACTIVE).
  'BACKTEST_LIMIT_EXCEEDED',
] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

/** An error the caller can fix, with `extensions.code` and, for bad input, the `field` at fault. */
export function userError(code: UserErrorCode, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: field === undefined ? { code } : { code, field } });
}

/** A BAD_USER_INPUT error naming the input field at fault, e.g. `input.parameters.fastPeriod`. */
export function badInput(field: string, message: string): GraphQLError {
  return userError('BAD_USER_INPUT', `${field}: ${message}`, field);
}

/**
 * One BAD_USER_INPUT error for all the problems of an input value (a strategy document, a model's features):
 * `extensions.problems` lists each `{ path, message }` and `extensions.field` names the first
 * (`input.document/rules/0/side`).
 */
export function problemsError(field: string, problems: readonly DocumentProblem[]): GraphQLError {
  const first = problems[0] ?? { path: '', message: 'invalid' };
  const detail = problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  return new GraphQLError(`${field} has ${count}: ${detail}`, {
    extensions: {
      code: 'BAD_USER_INPUT',
      field: `${field}${first.path}`,
      problems: problems.map(({ path, message }) => ({ path, message })),
    },
  });
}

const PASS_THROUGH = new Set<string>([
  ...USER_ERROR_CODES,
  // Apollo Server's own request errors: the client sent something invalid.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** Whether an error's code says the client can act on it (so its message is shown, not masked). */
export function isUserFacing(code: unknown): boolean {
  return typeof code === 'string' && PASS_THROUGH.has(code);
}
