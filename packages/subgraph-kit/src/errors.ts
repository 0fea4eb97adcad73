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
