import { isoTime } from '@alphintra/core';
import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The largest epoch ms a JavaScript date holds, either side of 1970. */
const MAX_DATE_MS = 8.64e15;

function toIso(value: unknown): string {
  // Signals and candles carry their times as epoch ms, many alike (one candle's signals share theirs).
  if (typeof value === 'number' && Math.abs(value) <= MAX_DATE_MS) return isoTime(value);
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
  return date.toISOString();
}

/** Years PostgreSQL's timestamps and ISO 8601's four digits both hold (JavaScript dates reach ±275760). */
const FIRST_YEAR = 1;
const LAST_YEAR = 9999;

/** Whether epoch ms `time` is an instant the platform stores: years 1 to 9999 (false for NaN). */
export function isStorableTime(time: number): boolean {
  const year = new Date(time).getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !isStorableTime(Date.parse(value))) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 string from year ${FIRST_YEAR} to ${LAST_YEAR} such as 2019-10-11T00:00:00.000Z, got ${JSON.stringify(value)}`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return new Date(value);
}

/** ISO 8601 instants in UTC with milliseconds; accepts Date, epoch ms or a string. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: toIso,
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new GraphQLError(`Decimal must be a decimal string such as "0.00141342", got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

/** Exact decimals as strings, never through a float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    throw new GraphQLError(`Decimal cannot represent ${String(value)}: decimals travel as strings`);
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** Any JSON value, passed through as is (documents are checked by the validator, not by the scalar). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
