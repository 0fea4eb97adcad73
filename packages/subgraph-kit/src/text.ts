import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, GraphQLError, Kind, type ValueNode, visit } from 'graphql';

/**
 * Text PostgreSQL cannot store: the NUL character (refused in `text` and `jsonb`), or half of a UTF-16 surrogate
 * pair (not Unicode at all; `jsonb` refuses its `\ud800` escape).
 */
function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (or object key) in `value` that PostgreSQL cannot store, or null. */
export function unstorableTextPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = `${path}.${key}`;
    if (unstorable(key)) return innerPath;
    const found = unstorableTextPath(inner, innerPath);
    if (found !== null) return found;
  }
  return null;
}

/** The path (from `path`) of the first text in an argument's value PostgreSQL cannot store, or null. */
function valueProblem(node: ValueNode, path: string, variables: Readonly<Record<string, unknown>>): string | null {
  switch (node.kind) {
    case Kind.VARIABLE:
      return unstorableTextPath(variables[node.name.value], path);
    case Kind.STRING:
      return unstorable(node.value) ? path : null;
    case Kind.LIST:
      for (const [i, value] of node.values.entries()) {
        const found = valueProblem(value, `${path}.${i}`, variables);
        if (found !== null) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const fieldPath = `${path}.${field.name.value}`;
        if (unstorable(field.name.value)) return fieldPath;
        const found = valueProblem(field.value, fieldPath, variables);
        if (found !== null) return found;
      }
      return null;
    default:
      return null;
  }
}

/**
 * A BAD_USER_INPUT error naming the first argument field whose text PostgreSQL cannot store, written inline or
 * given in a variable, or null: such input would otherwise fail deep in a query as an internal error.
 */
export function unstorableTextError(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): GraphQLError | null {
  let field: string | null = null;
  visit(document, {
    Argument(node) {
      field ??= valueProblem(node.value, node.name.value, variables ?? {});
    },
  });
  if (field === null) return null;
  return new GraphQLError(`${field}: text may not contain the NUL character or unpaired UTF-16 surrogates`, {
    // Refused before execution: Apollo Server would answer 500 for an error thrown there without a status.
    extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
  });
}

/** Refuses an operation whose input holds text PostgreSQL cannot store (see `unstorableTextError`). */
export const refuseUnstorableText: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request }) {
        const error = unstorableTextError(document, request.variables);
        if (error !== null) throw error;
      },
    };
  },
};
