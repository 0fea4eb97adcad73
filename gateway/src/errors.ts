import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

const VARIABLE = /^Variable "\$([^"]+)"/;
const AT_PATH = / at "([^"]+)"/;

/**
 * The input field a variable-coercion error is about: `input.type` for
 * `Variable "$input" got invalid value "X" at "input.type"; ...`, else the variable's name.
 */
export function variableErrorField(message: string): string | undefined {
  const variable = VARIABLE.exec(message)?.[1];
  if (variable === undefined) return undefined;
  return AT_PATH.exec(message)?.[1] ?? variable;
}

function withCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.['code'] !== undefined) return error;
  const field = variableErrorField(error.message);
  if (field === undefined) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', field },
  });
}

/**
 * Gives variable-coercion errors (an unknown enum value, a missing required field) the `BAD_USER_INPUT` code and
 * the input `field` at fault, as the subgraphs do for the input they validate: a client can act on one shape.
 */
export function useBadUserInputCodes(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (!result || Symbol.asyncIterator in result || !result.errors?.length) return;
      setResult({ ...result, errors: result.errors.map(withCode) });
    },
  };
}
