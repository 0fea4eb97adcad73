import type { BusRecord, EventBus } from '@alphintra/bus';
import { type Signal, type StrategyDocument, signalId } from '@alphintra/core';
import {
  createStrategy,
  type Database,
  insertSignals,
  latestStrategyChange,
  legacyDocument,
  listStrategies,
  listStrategyChanges,
  openDatabase,
  saveStrategyVersionStats,
  upsertInstruments,
} from '@alphintra/db';
import { templateById } from '@alphintra/engine';
import type { RunningSubgraph } from '@alphintra/subgraph-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyServiceDeps } from './context.ts';
import type { StrategyEvent } from './events.ts';
import { startStrategySubgraph } from './subgraph.ts';

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; field?: string; problems?: { path: string; message: string }[] };
}
interface Response {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorShape[];
}

/** An event bus that records what is produced, and fails on demand. */
class RecordingBus implements EventBus {
  readonly kind = 'memory' as const;
  readonly produced: { topic: string; record: BusRecord }[] = [];
  failing = false;
  async ensureTopics() {}
  async produce(topic: string, records: readonly BusRecord[]) {
    if (this.failing) throw new Error('broker unreachable');
    for (const record of records) this.produced.push({ topic, record });
  }
  async consume(): Promise<never> {
    throw new Error('not used');
  }
  async close() {}
  events(): StrategyEvent[] {
    return this.produced.map((p) => JSON.parse(p.record.value) as StrategyEvent);
  }
}

/** A valid document, written out by hand. */
const SMA_DOCUMENT: StrategyDocument = {
  version: 1,
  interval: '5m',
  indicators: { fast: { type: 'SMA', period: 5 }, slow: { type: 'SMA', period: 20 } },
  rules: [
    { id: 'up', side: 'BUY', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'slow' }] } },
    { id: 'down', side: 'SELL', when: { crossesBelow: [{ ind: 'fast' }, { ind: 'slow' }] } },
  ],
  stopLoss: { percent: 1 },
  takeProfit: { percent: 2 },
};

const FIELDS = `id name version source status symbols interval document
  runs { version mode activatedAt }
  versions { version document symbols interval changeNote createdAt }`;

describe('the strategy subgraph', () => {
  let database: Database;
  let subgraph: RunningSubgraph;
  let capped: RunningSubgraph;
  const bus = new RecordingBus();
  const eventErrors: unknown[] = [];

  async function post(url: string, source: string, variables: Record<string, unknown> = {}): Promise<Response> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: source, variables }),
    });
    return (await response.json()) as Response;
  }
  const query = (source: string, variables: Record<string, unknown> = {}) => post(subgraph.url, source, variables);

  /** Runs a mutation with one `input` and returns its payload's strategy, failing the test on any error. */
  async function mutate(name: string, input: Record<string, unknown>, fields = FIELDS) {
    const response = await query(
      `mutation ($input: ${inputType(name)}!) { ${name}(input: $input) { strategy { ${fields} } } }`,
      {
        input,
      },
    );
    expect(response.errors).toBeUndefined();
    return field<{ strategy: Record<string, unknown> & { id: string } }>(response, name).strategy;
  }
  const inputType = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}Input`;
  async function mutationErrors(name: string, input: Record<string, unknown>) {
    const response = await query(
      `mutation ($input: ${inputType(name)}!) { ${name}(input: $input) { strategy { id } } }`,
      {
        input,
      },
    );
    expect(response.data).toBeNull();
    return response.errors ?? [];
  }
  const codes = (errors: readonly GraphQLErrorShape[]) =>
    errors.map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }));
  /** How many strategies are stored (fewer than 100 before the paging test). */
  const strategyCount = async () => (await listStrategies(database.db, { first: 100 })).items.length;
  /** A field of a response's data, failing the test when the data is missing. */
  function field<T>(response: Response, name: string): T {
    expect(response.data?.[name]).toBeDefined();
    return response.data?.[name] as T;
  }

  beforeAll(async () => {
    database = await openDatabase({});
    await upsertInstruments(database.db, [
      { symbol: 'XRPETH', baseAsset: 'XRP', quoteAsset: 'ETH', status: 'TRADING', source: 'replay' },
      { symbol: 'ETHBTC', baseAsset: 'ETH', quoteAsset: 'BTC', status: 'TRADING', source: 'replay' },
      { symbol: 'PAGEUSDT', baseAsset: 'PAGE', quoteAsset: 'USDT', status: 'TRADING', source: 'replay' },
      { symbol: 'HALTUSDT', baseAsset: 'HALT', quoteAsset: 'USDT', status: 'BREAK', source: 'replay' },
    ]);
    const deps: StrategyServiceDeps = {
      db: database.db,
      bus,
      intervals: ['1m', '5m', '15m'],
      maxPeriod: 500,
      onEventError: (error) => eventErrors.push(error),
    };
    subgraph = await startStrategySubgraph(deps, { port: 0 });
    capped = await startStrategySubgraph({ ...deps, maxStrategies: 0 }, { port: 0 });
  });
  afterAll(async () => {
    await subgraph?.close();
    await capped?.close();
    await database?.close();
  });

  it('lists the templates, and reads legacy strategies as the same documents', async () => {
    const response = await query('{ strategyTemplates { id name description document } }');
    expect(response.errors).toBeUndefined();
    const templates = response.data?.['strategyTemplates'] as { id: string; document: unknown }[];
    expect(templates.map((t) => t.id)).toEqual(expect.arrayContaining(['ema-crossover', 'rsi-reversion']));
    expect(templates.find((t) => t.id === 'ema-crossover')?.document).toEqual(templateById('ema-crossover')?.document);
    // The database keeps its own copy of these two for strategies written before documents: they must agree.
    expect(legacyDocument('EMA_CROSSOVER', {})).toEqual(templateById('ema-crossover')?.document);
    expect(legacyDocument('RSI_REVERSION', null)).toEqual(templateById('rsi-reversion')?.document);
  });

  it('creates a strategy from a template, recording and producing the change', async () => {
    const strategy = await mutate('createStrategy', {
      name: ' from-template ',
      symbols: ['xrpeth', 'XRPETH', 'ethbtc'],
      template: 'rsi-reversion',
      changeNote: 'start from the RSI template',
    });
    expect(strategy).toMatchObject({
      name: 'from-template',
      version: 1,
      source: 'NO_CODE',
      status: 'INACTIVE',
      symbols: ['XRPETH', 'ETHBTC'],
      interval: '1m',
      runs: [],
      versions: [
        expect.objectContaining({
          version: 1,
          symbols: ['XRPETH', 'ETHBTC'],
          changeNote: 'start from the RSI template',
        }),
      ],
    });
    expect(strategy['document']).toEqual(templateById('rsi-reversion')?.document);
    const last = bus.produced.at(-1);
    expect(last?.topic).toBe('strategy.events');
    expect(last?.record.key).toBe(strategy.id);
    expect(JSON.parse(last?.record.value ?? '{}')).toEqual({
      type: 'created',
      strategyId: strategy.id,
      version: 1,
      status: 'INACTIVE',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      seq: await latestStrategyChange(database.db),
    });
  });

  it('creates a strategy from a document, running it in the mode asked for', async () => {
    const strategy = await mutate('createStrategy', {
      name: 'from-document',
      symbols: ['ETHBTC'],
      document: SMA_DOCUMENT,
      activate: true,
      mode: 'SHADOW',
    });
    expect(strategy).toMatchObject({ status: 'ACTIVE', interval: '5m', document: SMA_DOCUMENT });
    expect(strategy['runs']).toEqual([{ version: 1, mode: 'SHADOW', activatedAt: expect.any(String) }]);
    expect(bus.events().at(-1)).toMatchObject({ type: 'created', strategyId: strategy.id, status: 'ACTIVE' });
  });

  it('refuses an invalid document with ONE error listing every problem and its path, saving nothing', async () => {
    const before = [await strategyCount(), await latestStrategyChange(database.db), bus.produced.length];
    const errors = await mutationErrors('createStrategy', {
      name: 'invalid',
      symbols: ['XRPETH'],
      document: {
        version: 1,
        interval: '1m',
        indicators: { fast: { type: 'EMA', period: 0 }, slow: { type: 'EMA', period: 21 } },
        rules: [{ id: 'up', side: 'HOLD', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'nope' }] } }],
        stopLoss: { atr: 'missing', multiple: 2 },
        takeProfit: { percent: 1 },
      },
    });
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.extensions?.field).toBe('input.document/indicators/fast/period');
    expect(error?.extensions?.problems?.map((p) => p.path)).toEqual([
      '/indicators/fast/period',
      '/rules/0/side',
      '/rules/0/when/crossesAbove/1/ind',
      '/stopLoss/atr',
    ]);
    expect(error?.extensions?.problems?.every((p) => p.message.length > 0)).toBe(true);
    for (const path of ['/rules/0/side', '/stopLoss/atr']) expect(error?.message).toContain(path);
    expect([await strategyCount(), await latestStrategyChange(database.db), bus.produced.length]).toEqual(before);
  });

  it.each([
    [
      'a period over the platform maximum',
      { ...SMA_DOCUMENT, indicators: { fast: { type: 'SMA', period: 600 }, slow: { type: 'SMA', period: 20 } } },
      'input.document/indicators/fast/period',
    ],
    ['an interval the platform does not build', { ...SMA_DOCUMENT, interval: '1h' }, 'input.document/interval'],
    ['a document that is not an object', 'EMA 9/21', 'input.document'],
  ])('refuses %s', async (_case, document, field) => {
    const errors = await mutationErrors('createStrategy', { name: 'refused', symbols: ['XRPETH'], document });
    expect(codes(errors)).toEqual([{ code: 'BAD_USER_INPUT', field }]);
  });

  it.each([
    [
      'AI_ML as the source',
      { source: 'AI_ML', template: 'ema-crossover' },
      'input.source',
      /needs a document that names a model/,
    ],
    [
      'both a document and a template',
      { document: SMA_DOCUMENT, template: 'ema-crossover' },
      'input.template',
      /exactly one/,
    ],
    ['neither a document nor a template', {}, 'input.document', /exactly one/],
    ['an unknown template', { template: 'martingale' }, 'input.template', /unknown template/],
    ['an unknown symbol', { template: 'ema-crossover', symbols: ['DOGEUSDT'] }, 'input.symbols', /unknown symbol/],
    ['a symbol not trading', { template: 'ema-crossover', symbols: ['HALTUSDT'] }, 'input.symbols', /not trading/],
    ['no symbols', { template: 'ema-crossover', symbols: [] }, 'input.symbols', /at least one/],
    ['an empty name', { template: 'ema-crossover', name: '  ' }, 'input.name', /1 to 100/],
  ])('refuses %s as BAD_USER_INPUT', async (_case, input, field, message) => {
    const errors = await mutationErrors('createStrategy', { name: 'refused', symbols: ['XRPETH'], ...input });
    expect(codes(errors)).toEqual([{ code: 'BAD_USER_INPUT', field }]);
    expect(errors[0]?.message).toMatch(message);
  });

  it('refuses a taken name as CONFLICT, and creation over the cap', async () => {
    await mutate('createStrategy', { name: 'taken', symbols: ['XRPETH'], template: 'ema-crossover' });
    const errors = await mutationErrors('createStrategy', {
      name: 'taken',
      symbols: ['XRPETH'],
      template: 'ema-crossover',
    });
    expect(codes(errors)).toEqual([{ code: 'CONFLICT', field: 'input.name' }]);
    const over = await post(
      capped.url,
      'mutation ($input: CreateStrategyInput!) { createStrategy(input: $input) { strategy { id } } }',
      { input: { name: 'over-the-cap', symbols: ['XRPETH'], template: 'ema-crossover' } },
    );
    expect(over.errors?.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    expect(over.errors?.[0]?.message).toMatch(/at most 0 strategies/);
  });

  it('updates as new versions, rolls back as a new version, and keeps the history', async () => {
    const created = await mutate('createStrategy', {
      name: 'versions',
      symbols: ['XRPETH'],
      template: 'ema-crossover',
      activate: true,
    });
    const v2 = await mutate('updateStrategy', { id: created.id, document: SMA_DOCUMENT, changeNote: 'SMA instead' });
    expect(v2).toMatchObject({ version: 2, interval: '5m', document: SMA_DOCUMENT, symbols: ['XRPETH'] });
    expect((v2['runs'] as { version: number; mode: string }[]).map((r) => [r.version, r.mode])).toEqual([[2, 'LIVE']]);
    expect(bus.events().at(-1)).toMatchObject({ type: 'updated', strategyId: created.id, version: 2 });

    const v3 = await mutate('updateStrategy', { id: created.id, symbols: ['ethbtc'] });
    expect(v3).toMatchObject({ version: 3, symbols: ['ETHBTC'], document: SMA_DOCUMENT });

    const v4 = await mutate('rollbackStrategy', { id: created.id, version: 1 });
    expect(v4).toMatchObject({ version: 4, symbols: ['XRPETH'], interval: '1m' });
    expect(v4['document']).toEqual(templateById('ema-crossover')?.document);
    expect(bus.events().at(-1)).toMatchObject({ type: 'rolledBack', version: 4 });
    expect(
      (v4['versions'] as { version: number; changeNote: string | null }[]).map((v) => [v.version, v.changeNote]),
    ).toEqual([
      [1, null],
      [2, 'SMA instead'],
      [3, null],
      [4, 'rollback to v1'],
    ]);

    const read = await query('query ($id: ID!) { strategy(id: $id) { version versions { version document } } }', {
      id: created.id,
    });
    const { versions } = field<{ versions: { version: number; document: unknown }[] }>(read, 'strategy');
    expect(versions[1]?.document).toEqual(SMA_DOCUMENT);
    expect(versions[3]?.document).toEqual(versions[0]?.document);

    expect(codes(await mutationErrors('rollbackStrategy', { id: created.id, version: 9 }))).toEqual([
      { code: 'NOT_FOUND', field: 'input.version' },
    ]);
    expect(codes(await mutationErrors('activateStrategy', { id: created.id, version: 9 }))).toEqual([
      { code: 'NOT_FOUND', field: 'input.version' },
    ]);
    expect(codes(await mutationErrors('promoteStrategy', { id: created.id, version: 9 }))).toEqual([
      { code: 'NOT_FOUND', field: 'input.version' },
    ]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const id of [unknown, 'not-an-id']) {
      expect(codes(await mutationErrors('updateStrategy', { id, symbols: ['XRPETH'] }))).toEqual([
        { code: 'NOT_FOUND', field: 'input.id' },
      ]);
    }
    expect(codes(await mutationErrors('updateStrategy', { id: created.id }))).toEqual([
      { code: 'BAD_USER_INPUT', field: 'input.document' },
    ]);
    expect(codes(await mutationErrors('updateStrategy', { id: created.id, document: { version: 2 } }))[0]).toEqual({
      code: 'BAD_USER_INPUT',
      field: expect.stringMatching(/^input\.document/),
    });
    expect((await query('{ strategy(id: "not-an-id") { id } }')).data).toEqual({ strategy: null });
  });

  it('runs two versions side by side with their figures, and promotes one', async () => {
    const created = await mutate('createStrategy', {
      name: 'a-b',
      symbols: ['XRPETH'],
      template: 'ema-crossover',
      activate: true,
    });
    await mutate('updateStrategy', { id: created.id, document: SMA_DOCUMENT });
    const ab = await mutate('activateStrategy', { id: created.id, version: 1, mode: 'SHADOW' });
    expect((ab['runs'] as { version: number; mode: string }[]).map((r) => [r.version, r.mode])).toEqual([
      [1, 'SHADOW'],
      [2, 'LIVE'],
    ]);
    expect(bus.events().at(-1)).toMatchObject({ type: 'activated', version: 1, status: 'ACTIVE' });

    // The engine reports on version 2; version 1 produced two (shadow) signals.
    await saveStrategyVersionStats(database.db, [
      {
        strategyId: created.id,
        version: 2,
        evaluations: 1_440,
        evalP50Ms: 0.02,
        evalP99Ms: 0.4,
        errors: 1,
        lastError: 'boom',
        state: 'ERROR',
      },
    ]);
    const t = Date.UTC(2024, 5, 1, 12, 0);
    await insertSignals(database.db, [signal(created.id, 1, t), signal(created.id, 1, t + 60_000)]);
    const stats = await query(
      `query ($id: ID!) { strategy(id: $id) {
        stats { version mode signals lastSignalAt evaluations evalP50Ms evalP99Ms errors lastError state } } }`,
      { id: created.id },
    );
    expect(stats.errors).toBeUndefined();
    expect(field<{ stats: unknown }>(stats, 'strategy').stats).toEqual([
      {
        version: 1,
        mode: 'SHADOW',
        signals: 2,
        lastSignalAt: new Date(t + 60_000).toISOString(),
        evaluations: 0,
        evalP50Ms: null,
        evalP99Ms: null,
        errors: 0,
        lastError: null,
        state: 'PENDING',
      },
      {
        version: 2,
        mode: 'LIVE',
        signals: 0,
        lastSignalAt: null,
        evaluations: 1_440,
        evalP50Ms: 0.02,
        evalP99Ms: 0.4,
        errors: 1,
        lastError: 'boom',
        state: 'ERROR',
      },
    ]);

    const promoted = await mutate('promoteStrategy', { id: created.id, version: 1 });
    expect(promoted).toMatchObject({ version: 1, status: 'ACTIVE' });
    expect((promoted['runs'] as { version: number; mode: string }[]).map((r) => [r.version, r.mode])).toEqual([
      [1, 'LIVE'],
    ]);
    expect(bus.events().at(-1)).toMatchObject({ type: 'promoted', version: 1 });
    const after = await query('query ($id: ID!) { strategy(id: $id) { stats { version mode state } } }', {
      id: created.id,
    });
    expect(field<{ stats: unknown }>(after, 'strategy').stats).toEqual([
      { version: 1, mode: 'LIVE', state: 'PENDING' },
      { version: 2, mode: null, state: 'STOPPED' },
    ]);

    const off = await mutate('deactivateStrategy', { id: created.id });
    expect(off).toMatchObject({ status: 'INACTIVE', runs: [] });
    expect(bus.events().at(-1)).toMatchObject({ type: 'deactivated', status: 'INACTIVE' });
  });

  it('archives for good: the strategy stops and refuses changes', async () => {
    const created = await mutate('createStrategy', {
      name: 'archived',
      symbols: ['XRPETH'],
      template: 'ema-crossover',
      activate: true,
    });
    const archived = await mutate('archiveStrategy', { id: created.id });
    expect(archived).toMatchObject({ status: 'ARCHIVED', runs: [] });
    expect(bus.events().at(-1)).toMatchObject({ type: 'archived', status: 'ARCHIVED' });
    const produced = bus.produced.length;
    for (const [name, input] of [
      ['updateStrategy', { id: created.id, symbols: ['ETHBTC'] }],
      ['rollbackStrategy', { id: created.id, version: 1 }],
      ['activateStrategy', { id: created.id }],
      ['archiveStrategy', { id: created.id }],
    ] as const) {
      expect(codes(await mutationErrors(name, input))).toEqual([{ code: 'CONFLICT', field: 'input.id' }]);
    }
    expect(bus.produced.length).toBe(produced);
  });

  it('keeps a mutation that could not produce its event: the change row is committed', async () => {
    const seq = await latestStrategyChange(database.db);
    bus.failing = true;
    try {
      const strategy = await mutate('createStrategy', {
        name: 'no-bus',
        symbols: ['XRPETH'],
        template: 'ema-crossover',
      });
      expect(strategy['version']).toBe(1);
      expect(eventErrors).toHaveLength(1);
      const changes = await listStrategyChanges(database.db, { after: seq });
      expect(changes.map((c) => [c.strategyId, c.type])).toEqual([[strategy.id, 'created']]);
    } finally {
      bus.failing = false;
    }
  });

  it('validates a document without saving anything', async () => {
    const before = [await strategyCount(), await latestStrategyChange(database.db), bus.produced.length];
    const valid = await query(
      'query ($d: JSON!) { validateStrategy(document: $d) { valid problems { path message } } }',
      {
        d: SMA_DOCUMENT,
      },
    );
    expect(valid.data).toEqual({ validateStrategy: { valid: true, problems: [] } });
    const invalid = await query(
      'query { validateStrategy(document: { version: 1, interval: "1m", indicators: {}, rules: [], stopLoss: { percent: 1 }, takeProfit: { percent: -1 } }) { valid problems { path } } }',
    );
    expect(invalid.errors).toBeUndefined();
    const result = invalid.data?.['validateStrategy'] as { valid: boolean; problems: { path: string }[] };
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => p.path)).toContain('/takeProfit/percent');
    expect([await strategyCount(), await latestStrategyChange(database.db), bus.produced.length]).toEqual(before);
  });

  it('resolves entity references in one batch', async () => {
    const created = await mutate('createStrategy', { name: 'entity', symbols: ['XRPETH'], template: 'ema-crossover' });
    const response = await query(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Strategy { id name version } } }',
      {
        r: [
          { __typename: 'Strategy', id: created.id },
          { __typename: 'Strategy', id: '00000000-0000-4000-8000-000000000000' },
          { __typename: 'Strategy', id: created.id },
        ],
      },
    );
    expect(response.data?.['_entities']).toEqual([
      { id: created.id, name: 'entity', version: 1 },
      null,
      { id: created.id, name: 'entity', version: 1 },
    ]);
  });

  it('pages through 250 strategies in a stable order without duplicates or gaps, and filters them', async () => {
    const made: { id: string; createdAt: Date }[] = [];
    for (let i = 0; i < 250; i++) {
      const { strategy } = await createStrategy(database.db, {
        name: `page-${String(i).padStart(3, '0')}`,
        source: i % 50 === 0 ? 'AI_ML' : 'NO_CODE',
        symbols: ['PAGEUSDT'],
        document: SMA_DOCUMENT,
        ...(i % 10 === 0 ? { run: { mode: i % 20 === 0 ? 'SHADOW' : 'LIVE' } } : {}),
      });
      made.push(strategy);
    }
    // The documented order: creation time, then id (a UUID orders as its lower-case text does).
    const expected = [...made]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((s) => s.id);

    const page = `query ($first: Int, $after: String, $filter: StrategyFilter) {
      strategies(first: $first, after: $after, filter: $filter) {
        edges { cursor node { id name source status } } pageInfo { hasNextPage endCursor } } }`;
    async function all(filter: Record<string, unknown>, first: number) {
      const ids: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const response = await query(page, { first, after, filter });
        expect(response.errors).toBeUndefined();
        const connection = response.data?.['strategies'] as {
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
        ids.push(...connection.edges.map((e) => e.node.id));
        pages++;
        if (!connection.pageInfo.hasNextPage) return { ids, pages };
        after = connection.pageInfo.endCursor;
      }
    }
    const paged = await all({ symbol: 'pageusdt' }, 100);
    expect(paged.pages).toBe(3);
    expect(paged.ids).toEqual(expected);
    expect((await all({ symbol: 'PAGEUSDT' }, 7)).ids).toEqual(expected);

    const pick = (keep: (i: number) => boolean) => made.filter((_s, i) => keep(i)).map((s) => s.id);
    const sorted = (ids: string[]) => expected.filter((id) => ids.includes(id));
    expect((await all({ symbol: 'PAGEUSDT', source: 'AI_ML' }, 100)).ids).toEqual(sorted(pick((i) => i % 50 === 0)));
    expect((await all({ symbol: 'PAGEUSDT', mode: 'SHADOW' }, 100)).ids).toEqual(sorted(pick((i) => i % 20 === 0)));
    expect((await all({ symbol: 'PAGEUSDT', mode: 'LIVE' }, 100)).ids).toEqual(
      sorted(pick((i) => i % 10 === 0 && i % 20 !== 0)),
    );
    expect((await all({ symbol: 'PAGEUSDT', status: 'INACTIVE' }, 100)).ids).toEqual(sorted(pick((i) => i % 10 !== 0)));

    const bad = await query(page, { first: 5, after: 'garbage' });
    expect(codes(bad.errors ?? [])).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }]);
    const tooMany = await query(page, { first: 101 });
    expect(codes(tooMany.errors ?? [])).toEqual([{ code: 'BAD_USER_INPUT', field: 'first' }]);
  });
});

function signal(strategyId: string, version: number, time: number): Signal {
  return {
    id: signalId(strategyId, version, 'XRPETH', time),
    timestamp: time,
    strategyId,
    strategyName: 'a-b',
    strategyVersion: version,
    strategySource: 'NO_CODE',
    symbol: 'XRPETH',
    action: 'BUY',
    confidence: 0.6,
    quantity: null,
    priceTarget: '0.0015',
    stopLoss: '0.0014',
    takeProfit: '0.0017',
    riskScore: 0.3,
    metadata: { marketConditions: 'RANGING', volatility: 0.001, volumeProfile: 'NORMAL' },
    explanation: { rule: 'up', indicators: [{ name: 'fast', value: 0.00151 }] },
    expiresAt: time + 60_000,
    shadow: true,
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    marketDataTimestamp: time - 1,
    latencyMs: null,
  };
}
