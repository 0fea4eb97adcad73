import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLFieldMap,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  isUnionType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { LIMIT_CODES, type LimitSettings, limitError } from './limits.ts';

/** Arguments that say how many items a field returns (a page's `first`, a series' `last`). */
const SIZE_ARGUMENTS = ['first', 'last'] as const;

/** What every mutation costs on top of its selection: it writes. */
const MUTATION_COST = 10;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly assumedListSize: number;
  readonly largestSize: number;
}

/** The size argument of a field as the operation sets it (or its default), or null when it has none. */
function sizeArgument(field: GraphQLField<unknown, unknown>, node: FieldNode, walk: Walk) {
  if (!field.args.some((arg) => (SIZE_ARGUMENTS as readonly string[]).includes(arg.name))) return null;
  let values: Record<string, unknown>;
  try {
    values = getArgumentValues(field, node, walk.variables);
  } catch {
    return null; // Invalid arguments: execution refuses them with their own error.
  }
  const sizes = SIZE_ARGUMENTS.map((name) => values[name]).filter((v): v is number => typeof v === 'number');
  return sizes.length === 0 ? null : Math.min(walk.largestSize, Math.max(1, ...sizes));
}

/** The fields a selection on `type` can name (a union's: those of its members). */
function fieldsOf(schema: GraphQLSchema, type: GraphQLNamedType): GraphQLFieldMap<unknown, unknown> {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields();
  if (isUnionType(type)) return Object.assign({}, ...schema.getPossibleTypes(type).map((t) => t.getFields()));
  return {};
}

/**
 * The cost of a selection set whose parent appears `multiplier` times in the result: each object in the result
 * costs 1. A field's `first`/`last` multiplies what is under it; a list without one counts as `assumedListSize`
 * items, except a connection's `edges` (`inSizedField`), which holds as many as the connection's `first`.
 */
function selectionCost(
  walk: Walk,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  multiplier: number,
  inSizedField: boolean,
  fragments: ReadonlySet<string>,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      const inner = on === undefined ? type : (walk.schema.getType(on) ?? type);
      cost += selectionCost(walk, inner, selection.selectionSet, multiplier, inSizedField, fragments);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = walk.document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name,
      );
      if (fragment?.kind !== Kind.FRAGMENT_DEFINITION || fragments.has(name)) continue;
      const inner = walk.schema.getType(fragment.typeCondition.name.value) ?? type;
      const seen = new Set(fragments).add(name);
      cost += selectionCost(walk, inner, fragment.selectionSet, multiplier, inSizedField, seen);
      continue;
    }
    const field = fieldsOf(walk.schema, type)[selection.name.value];
    if (field === undefined) continue; // `__typename`, or a field validation refuses anyway.
    const returnType = getNamedType(field.type);
    if (!isCompositeType(returnType) || selection.selectionSet === undefined) continue;
    const isList = isListType(getNullableType(field.type));
    const size = sizeArgument(field, selection, walk);
    const items = isList ? multiplier * (size ?? (inSizedField ? 1 : walk.assumedListSize)) : multiplier;
    cost += items;
    const childMultiplier = !isList && size !== null ? items * size : items;
    cost += selectionCost(
      walk,
      returnType,
      selection.selectionSet,
      childMultiplier,
      !isList && size !== null,
      fragments,
    );
  }
  return cost;
}

/**
 * An estimate of what an operation makes the platform do: the number of objects its result can hold, by the
 * page sizes it asks for, plus `MUTATION_COST` for a mutation. Scalars are free. A size above `largestSize`
 * (default: no bound) counts as `largestSize`: the cost limit passes it as the limit itself, so that a single
 * page too large for its field reaches the subgraph, which refuses it as BAD_USER_INPUT naming the argument. Null
 * when the operation is not in the document (validation reports that).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: {
    readonly operationName?: string | null;
    readonly variables?: Readonly<Record<string, unknown>>;
    readonly assumedListSize: number;
    readonly largestSize?: number;
  },
): number | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = options.operationName
    ? operations.find((o) => o.name?.value === options.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  const root = operation === undefined ? undefined : schema.getRootType(operation.operation);
  if (operation === undefined || root === undefined || root === null) return null;
  const walk: Walk = {
    schema,
    document,
    variables: options.variables ?? {},
    assumedListSize: options.assumedListSize,
    largestSize: options.largestSize ?? Number.POSITIVE_INFINITY,
  };
  const base = operation.operation === 'mutation' ? MUTATION_COST : 0;
  return base + selectionCost(walk, root, operation.selectionSet, 1, false, new Set());
}

/** Refuses an operation whose `operationCost` is above `maxCost` before any of it runs: COST_LIMIT_EXCEEDED. */
export function useCostLimit(settings: Pick<LimitSettings, 'maxCost' | 'assumedListSize'>): GatewayPlugin {
  const refusal = (args: {
    readonly schema: GraphQLSchema;
    readonly document: DocumentNode;
    readonly operationName?: string | null | undefined;
    readonly variableValues?: Readonly<Record<string, unknown>> | null | undefined;
  }): GraphQLError | null => {
    const cost = operationCost(args.schema, args.document, {
      operationName: args.operationName ?? null,
      variables: args.variableValues ?? {},
      assumedListSize: settings.assumedListSize,
      largestSize: settings.maxCost,
    });
    if (cost === null || cost <= settings.maxCost) return null;
    return limitError(
      LIMIT_CODES.cost,
      `Operation cost estimate ${cost} exceeds the limit of ${settings.maxCost}: ask for smaller pages (first/last) or fewer nested lists`,
    );
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error !== null) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error !== null) setResultAndStopExecution({ errors: [error] });
    },
  };
}
