/**
 * Random GraphQL inputs (fast-check) against every mutation and every query argument of the public schema, found
 * by walking the schema the gateway serves, so a new field is fuzzed without touching this file. Values are of the
 * right type and of wrong ones: huge and negative numbers, strange strings, unknown enum values, unknown fields,
 * nested junk. Whatever the input, the answer is a GraphQL response whose errors each carry a code a client can act
 * on (never INTERNAL_SERVER_ERROR, never an HTTP 5xx), and the platform keeps serving.
 */
import { DEFAULT_LIMITS, LIMIT_CODES } from '@alphintra/gateway';
import { type Platform, silentLog, startPlatform } from '@alphintra/platform';
import { USER_ERROR_CODES } from '@alphintra/subgraph-kit';
import { uniqueSuffix } from '@alphintra/testkit';
import { DEFAULT_WEBHOOK_SETTINGS } from '@alphintra/webhooks';
import fc from 'fast-check';
import {
  buildClientSchema,
  type GraphQLField,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collect, testPlatformConfig, waitFor } from './support.ts';

/** Runs per field (`FUZZ_RUNS` for a longer search); fast-check shrinks a failure to a small input. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);

/** Codes a bad input may be answered with. */
const ACCEPTED_CODES = new Set<unknown>([
  ...USER_ERROR_CODES,
  ...Object.values(LIMIT_CODES),
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
]);

const INTS = fc.oneof(
  fc.integer({ min: -2, max: 120 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1, 100, 101, 5_000, 5_001, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 1e300),
  fc.double(),
);
const FLOATS = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-1, 0, 1, 1.5, 1e308, -1e308),
);
const WEIRD_STRINGS = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFFFF',
  '\uD800',
  '💥',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  "'; drop table strategies; --",
  '%s%n%x',
  '../../etc/passwd',
  '{"$ne": null}',
  '2024-13-45T99:99:99Z',
  '9999-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
  'a'.repeat(70_000),
);
const STRINGS = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.uuid(),
  WEIRD_STRINGS,
);
const DATES = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer().map(String),
  STRINGS,
);
const DECIMALS = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('0', '-0.00000001', '1e-30', '123456789012345678901234567890.123456789'),
  STRINGS,
);
/** Any JSON at all, nested. */
const JUNK = fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 4 }), INTS, WEIRD_STRINGS);

/**
 * Values that reach past the first checks, by argument or input field name: ids that exist, known symbols and
 * templates, a webhook URL that resolves without DNS. Filled in once the platform is up; `null` (the field left
 * to its default) is among them.
 */
const hints = new Map<string, readonly unknown[]>();

function scalarValue(type: GraphQLNamedType): fc.Arbitrary<unknown> {
  switch (type.name) {
    case 'Int':
      return INTS;
    case 'Float':
      return FLOATS;
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return DATES;
    case 'Decimal':
      return DECIMALS;
    case 'JSON':
      return JUNK;
    default:
      return STRINGS;
  }
}

/** A value for an input of `type`: mostly of that type (with junk inside), sometimes anything at all. */
function inputValue(type: GraphQLInputType, name: string, depth: number): fc.Arbitrary<unknown> {
  const typed = { weight: 4, arbitrary: typedValue(type, depth) };
  const junk = { weight: 1, arbitrary: JUNK };
  const known = hints.get(name);
  if (known === undefined) return fc.oneof(typed, junk);
  return fc.oneof(typed, junk, { weight: 3, arbitrary: fc.constantFrom(null, ...known) });
}

function typedValue(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return typedValue(type.ofType, depth);
  if (isListType(type)) return fc.array(inputValue(type.ofType, '', depth + 1), { maxLength: 4 });
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return fc.oneof(fc.constantFrom(...values), fc.constantFrom('UNKNOWN', values[0]?.toLowerCase() ?? 'x', ''));
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.fromEntries(
      Object.values(type.getFields()).map((f) => [f.name, inputValue(f.type, f.name, depth + 1)]),
    );
    const known = fc.record(fields, { requiredKeys: [] });
    const unknown = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), JUNK, { maxKeys: 2 });
    return fc.oneof(
      { weight: 4, arbitrary: known },
      { weight: 1, arbitrary: fc.tuple(known, unknown).map(([a, b]) => ({ ...b, ...a })) },
    );
  }
  return scalarValue(type);
}

/** Every arguments-free leaf of `type`, and of the objects under it down to `depth` levels. */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (!isObjectType(type) || depth === 0) return '{ __typename }';
  const fields = Object.values(type.getFields()).filter((f) => !f.args.some(isRequiredArgument));
  const parts = fields.flatMap((f) => {
    const inner = getNamedType(f.type);
    if (isLeafType(inner)) return [f.name];
    return depth > 1 ? [`${f.name} ${selectionOf(inner, depth - 1)}`] : [];
  });
  return `{ __typename ${parts.join(' ')} }`;
}

/** An operation calling root field `field` of `kind` with every argument as a variable. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const returned = getNamedType(field.type);
  const selection = isCompositeType(returned) ? selectionOf(returned, 2) : '';
  return `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
}

/** Variables for `field`'s arguments, each one present or left out (its default then applies). */
function variablesFor(field: GraphQLField<unknown, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const args = Object.fromEntries(field.args.map((a) => [a.name, inputValue(a.type, a.name, 0)]));
  return fc.record(args, { requiredKeys: [] });
}

describe('fuzzing every mutation and every query argument', () => {
  let platform: Platform;
  let schema: GraphQLSchema;
  let backtestId = '';

  async function send(query: string, variables: Record<string, unknown>) {
    const response = await fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, text };
  }

  async function data<T>(query: string): Promise<T> {
    const { text } = await send(query, {});
    const body = JSON.parse(text) as { data: T; errors?: unknown };
    if (body.errors !== undefined) throw new Error(`${query}: ${text}`);
    return body.data;
  }

  beforeAll(async () => {
    const config = testPlatformConfig({ suffix: uniqueSuffix() });
    // Far more requests than the rate limit allows; webhooks on this machine only (no DNS, no network).
    platform = await startPlatform(
      {
        ...config,
        limits: { ...DEFAULT_LIMITS, rateLimitMax: 1e9 },
        webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true },
      },
      () => silentLog,
    );
    // Instruments, candles and signals to find: the recorded trades, replayed at full speed.
    await platform.startReplay();
    schema = buildClientSchema(await data<IntrospectionQuery>(getIntrospectionQuery()));
    const strategies = await data<{ strategies: { edges: { node: { id: string } }[] } }>(
      '{ strategies { edges { node { id } } } }',
    );
    const webhook = await data<{ registerWebhook: { webhook: { id: string } } }>(
      'mutation { registerWebhook(input: { url: "http://127.0.0.1:9/hook" }) { webhook { id } } }',
    );
    const templates = await data<{ strategyTemplates: { id: string; document: unknown }[] }>(
      '{ strategyTemplates { id document } }',
    );
    const ids = [...strategies.strategies.edges.map((e) => e.node.id), webhook.registerWebhook.webhook.id];
    // A finished backtest, so that its result's signals can be reached.
    const run = await data<{ runBacktest: { backtest: { id: string } } }>(
      `mutation { runBacktest(input: { strategyId: "${ids[0]}", from: "2019-10-11T00:00:00Z", to: "2019-10-12T00:00:00Z" }) { backtest { id } } }`,
    );
    backtestId = run.runBacktest.backtest.id;
    for (let status = ''; status !== 'SUCCEEDED'; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await data<{ backtest: { status: string } }>(`{ backtest(id: "${backtestId}") { status } }`)).backtest
        .status;
      if (status === 'FAILED' || status === 'CANCELLED') throw new Error(`the backtest ended ${status}`);
    }
    for (const name of ['id', 'strategyId', 'webhookId', 'deliveryId']) hints.set(name, ids);
    hints.set('strategyIds', [ids, ids.slice(0, 1)]);
    hints.set('symbols', [['XRPETH'], ['xrpeth', 'BTCUSDT']]);
    hints.set('symbol', ['XRPETH', 'xrpeth', 'BTCUSDT']);
    hints.set('interval', ['1m', '1h', '2m']);
    hints.set('groupBy', [[], ['SYMBOL'], ['STRATEGY', 'ACTION']]);
    hints.set('name', ['a strategy', 'x']);
    hints.set('source', ['NO_CODE']);
    hints.set('mode', ['LIVE', 'SHADOW']);
    hints.set('last', [1, 10, 5_000]);
    hints.set('from', ['2019-10-11T00:00:00Z']);
    hints.set('to', ['2019-10-12T00:00:00.000Z']);
    hints.set(
      'template',
      templates.strategyTemplates.map((t) => t.id),
    );
    hints.set(
      'document',
      templates.strategyTemplates.map((t) => t.document),
    );
    hints.set('url', ['http://127.0.0.1:9/hook', 'https://[::1]/', 'ftp://127.0.0.1/', 'http://10.0.0.1/']);
    hints.set('after', ['', 'bm90IGEgY3Vyc29y', 'eyJ0IjoiMjAyNCJ9']);
    hints.set('since', ['2000-01-01T00:00:00Z']);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('finds the fields to fuzz by walking the schema', () => {
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(mutations).toEqual(expect.arrayContaining(['createStrategy', 'updateStrategy', 'registerWebhook']));
    const filters = Object.values(schema.getQueryType()?.getFields() ?? {}).filter((f) =>
      f.args.some((a) => a.name === 'filter'),
    );
    expect(filters.map((f) => f.name)).toEqual(expect.arrayContaining(['signals', 'signalStats', 'strategies']));
  });

  const targets = () => [
    ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({
      kind: 'mutation' as const,
      field,
    })),
    ...Object.values(schema.getQueryType()?.getFields() ?? {})
      .filter((field) => field.args.length > 0)
      .map((field) => ({ kind: 'query' as const, field })),
  ];

  it(
    'answers every random input with a coded user error or data, never an internal error',
    async () => {
      const fuzzed: string[] = [];
      /** Fields that answered some input with data: the inputs reach past the first checks. */
      const served = new Set<string>();
      for (const { kind, field } of targets()) {
        const query = operationFor(kind, field);
        await fc.assert(
          fc.asyncProperty(variablesFor(field), async (variables) => {
            const { status, text } = await send(query, variables);
            const body = JSON.parse(text) as { errors?: GraphQLFormattedError[] };
            const codes = (body.errors ?? []).map((e) => e.extensions?.['code']);
            const unexpected = codes.filter((code) => !ACCEPTED_CODES.has(code));
            if (status >= 500 || unexpected.length > 0) {
              throw new Error(`${kind} ${field.name}: HTTP ${status}, ${text.slice(0, 500)}`);
            }
            if (codes.length === 0) served.add(field.name);
          }),
          { numRuns: RUNS },
        );
        fuzzed.push(field.name);
      }
      expect(fuzzed.length).toBe(targets().length);
      // The inputs are not all bounced at the door: most fields answered some of them with data.
      expect(served.size).toBeGreaterThanOrEqual(targets().length / 2);
      // Still up and serving after all of it.
      expect(await data<{ strategyTemplates: unknown[] }>('{ strategyTemplates { id } }')).toMatchObject({
        strategyTemplates: expect.any(Array),
      });
    },
    Math.max(180_000, RUNS * 1_500),
  );

  it('bounds every first and last in the schema: 0, -1 and 2^31-1 are refused', async () => {
    /** How to reach a field of each type that has one with a size argument; a new such type must be added here. */
    const reach: Record<string, (inner: string) => string> = {
      Query: (inner) => `{ ${inner} }`,
      Strategy: (inner) => `{ strategies(first: 1) { edges { node { ${inner} } } } }`,
      Webhook: (inner) => `{ webhooks { ${inner} } }`,
      Feed: (inner) => `{ feeds { ${inner} } }`,
      BacktestResult: (inner) => `{ backtest(id: "${backtestId}") { result { ${inner} } } }`,
    };
    const sized = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ type, field })))
      .flatMap(({ type, field }) =>
        field.args.filter((a) => a.name === 'first' || a.name === 'last').map((arg) => ({ type, field, arg })),
      );
    expect(sized.length).toBeGreaterThanOrEqual(6);
    for (const { type, field, arg } of sized) {
      const path = reach[type.name];
      expect(path, `a way to reach ${type.name}.${field.name}`).toBeDefined();
      const required = field.args
        .filter((a) => isRequiredArgument(a) && a.name !== arg.name)
        .map((a) => `${a.name}: ${JSON.stringify((hints.get(a.name) ?? [''])[0])}`);
      const returned = getNamedType(field.type);
      for (const size of [0, -1, 2 ** 31 - 1]) {
        const args = [...required, `${arg.name}: ${size}`].join(', ');
        const query = (path as (inner: string) => string)(`${field.name}(${args}) ${selectionOf(returned, 1)}`);
        const body = JSON.parse((await send(query, {})).text) as { errors?: GraphQLFormattedError[] };
        const [error] = body.errors ?? [];
        const refusedAs = [error?.extensions?.['code'], error?.extensions?.['field']];
        // A page nested in another may be refused for its cost first; a root field's page reaches its subgraph.
        const expected =
          size > 0 && type.name !== 'Query'
            ? [
                ['BAD_USER_INPUT', arg.name],
                ['COST_LIMIT_EXCEEDED', undefined],
              ]
            : [['BAD_USER_INPUT', arg.name]];
        expect(expected, `${type.name}.${field.name}(${arg.name}: ${size})`).toContainEqual(refusedAs);
      }
    }
  });

  describe('regressions found by fuzzing', () => {
    /** The codes and fields of the errors `query` is answered with. */
    async function refusal(query: string, variables: Record<string, unknown>) {
      const { status, text } = await send(query, variables);
      expect(status).toBeLessThan(500);
      const body = JSON.parse(text) as { errors?: GraphQLFormattedError[] };
      return (body.errors ?? []).map((e) => [e.extensions?.['code'], e.extensions?.['field']]);
    }

    it('refuses text PostgreSQL cannot store (NUL, a lone surrogate) as BAD_USER_INPUT naming the field', async () => {
      const register = 'mutation ($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret } }';
      expect(await refusal(register, { input: { url: 'http://127.0.0.1:9/hook', description: 'a\u0000b' } })).toEqual([
        ['BAD_USER_INPUT', 'input.description'],
      ]);
      const create = 'mutation ($input: CreateStrategyInput!) { createStrategy(input: $input) { strategy { id } } }';
      const input = { name: 'lone \uD800 surrogate', symbols: ['XRPETH'], template: 'ema-crossover' };
      expect(await refusal(create, { input })).toEqual([['BAD_USER_INPUT', 'input.name']]);
      // In a JSON document's key, and written inline rather than as a variable.
      const document = { version: 1, 'bad\u0000key': 1 };
      expect(await refusal(create, { input: { ...input, name: 'ok', template: null, document } })).toEqual([
        ['BAD_USER_INPUT', 'input.document.bad\u0000key'],
      ]);
      expect(await refusal('{ strategies(filter: { symbol: "x\\u0000" }) { edges { cursor } } }', {})).toEqual([
        ['BAD_USER_INPUT', 'filter.symbol'],
      ]);
    });

    it('refuses a DateTime outside years 1 to 9999 as BAD_USER_INPUT', async () => {
      const stats = 'query ($to: DateTime) { signalStats(to: $to) { count } }';
      for (const to of ['0000-12-31T23:59:59.999Z', '-000001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
        expect((await refusal(stats, { to })).map(([code]) => code)).toEqual(['BAD_USER_INPUT']);
      }
      expect(await refusal(stats, { to: '0001-01-01T00:00:00.000Z' })).toEqual([]);
    });

    it('refuses such text and times in a subscription too', async () => {
      const client = createClient({ url: platform.gateway.wsUrl, webSocketImpl: WebSocket, lazy: true });
      try {
        const signals = 'subscription ($since: String) { signals(since: $since) { id } }';
        const candles = 'subscription ($symbol: String!) { candles(symbol: $symbol) { openTime } }';
        for (const [query, variables, field] of [
          [signals, { since: '0000-01-01T00:00:00Z' }, 'since'],
          [signals, { since: 'a\u0000b' }, 'since'],
          [candles, { symbol: 'XRP\u0000ETH' }, 'symbol'],
        ] as const) {
          const events = collect(client.iterate({ query, variables }));
          await waitFor('the refusal', () => events.items.length > 0 || events.error !== undefined);
          await events.stop();
          const errors = ((events.items[0] as { errors?: GraphQLFormattedError[] } | undefined)?.errors ??
            events.error) as GraphQLFormattedError[];
          expect(errors.map((e) => [e.extensions?.['code'], e.extensions?.['field']])).toEqual([
            ['BAD_USER_INPUT', field],
          ]);
        }
      } finally {
        await client.dispose();
      }
    });

    it('refuses a strategy id filter that is not a UUID as BAD_USER_INPUT', async () => {
      const signals = 'query ($filter: SignalFilter) { signals(filter: $filter) { edges { cursor } } }';
      expect(await refusal(signals, { filter: { strategyIds: [''] } })).toEqual([
        ['BAD_USER_INPUT', 'filter.strategyIds'],
      ]);
    });
  });
});
