import type { Candle, StrategyDocument } from '@alphintra/core';
import { createTestDatabase, serviceUrl } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, type Db, openDatabase } from './client.ts';
import { insertCandles, saveEngineProgress } from './queries/market.ts';
import {
  activateStrategy,
  archiveStrategy,
  createStrategy,
  deactivateStrategy,
  endedStrategyRuns,
  getStrategies,
  getStrategyByName,
  getStrategyVersion,
  latestStrategyChange,
  listStrategies,
  listStrategyChanges,
  listStrategyRuns,
  listStrategyVersionStats,
  listStrategyVersions,
  type NewStrategy,
  promoteStrategy,
  rollbackStrategy,
  runningStrategySpecs,
  StrategyArchivedError,
  StrategyLimitError,
  StrategyNameTakenError,
  StrategyNotFoundError,
  StrategyVersionNotFoundError,
  saveStrategyVersionStats,
  updateStrategy,
} from './queries/strategies.ts';
import { earlierDatabase } from './test-database.ts';

const postgresUrl = serviceUrl('DATABASE_URL');
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A document written out by hand (not built by the code under test). */
function emaDocument(fast: number, slow: number, interval: '1m' | '5m' = '1m'): StrategyDocument {
  return {
    version: 1,
    interval,
    indicators: {
      fast: { type: 'EMA', period: fast },
      slow: { type: 'EMA', period: slow },
      atr: { type: 'ATR', period: 14 },
    },
    rules: [
      { id: 'up', side: 'BUY', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'slow' }] } },
      { id: 'down', side: 'SELL', when: { crossesBelow: [{ ind: 'fast' }, { ind: 'slow' }] } },
    ],
    stopLoss: { atr: 'atr', multiple: 2 },
    takeProfit: { percent: 1.5 },
  };
}

function newStrategy(name: string, overrides: Partial<NewStrategy> = {}): NewStrategy {
  return { name, source: 'NO_CODE', symbols: ['XRPETH'], document: emaDocument(9, 21), ...overrides };
}

async function runsOf(db: Db, id: string) {
  const [runs] = await listStrategyRuns(db, [id]);
  return (runs ?? []).map((r) => ({ version: r.version, mode: r.mode }));
}

const adapters = [
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'Postgres', url: postgresUrl, enabled: postgresUrl !== undefined },
];

describe.each(adapters)('strategies on $name', ({ url, enabled }) => {
  let database: Database;
  let db: Db;
  let drop = async () => {};

  beforeAll(async () => {
    if (!enabled) return;
    let dbUrl: string | undefined;
    if (url) {
      const created = await createTestDatabase(url);
      dbUrl = created.url;
      drop = created.drop;
    }
    database = await openDatabase({ url: dbUrl });
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });

  it.runIf(enabled)(
    'keeps each run a change replaced, ending at its successor’s activation, for engines behind it',
    async () => {
      const symbol = 'ENDSUSD';
      const minute = (i: number): Candle => ({
        symbol,
        interval: '1m',
        openTime: Date.UTC(2026, 0, 1, 0, i),
        closeTime: Date.UTC(2026, 0, 1, 0, i + 1),
        open: '1',
        high: '1',
        low: '1',
        close: '1',
        volume: '1',
        trades: 1,
        source: 'replay',
        complete: true,
        lastTradeTime: Date.UTC(2026, 0, 1, 0, i + 1) - 1,
      });
      const { strategy } = await createStrategy(
        db,
        newStrategy('ends-a', { symbols: [symbol], run: { mode: 'LIVE' } }),
      );
      await insertCandles(db, [minute(0)]);
      await updateStrategy(db, strategy.id, { document: emaDocument(4, 20) }); // v2, LIVE from minute 0's close
      await insertCandles(db, [minute(1)]);
      await activateStrategy(db, strategy.id, { version: 1, mode: 'SHADOW' }); // v1 again, from minute 1's close
      await promoteStrategy(db, strategy.id, 1); // v2 replaced where v1's run began
      const v1Ends = minute(0).closeTime;
      const v2Ends = minute(1).closeTime;

      const owedTo = async (consumer: string, lastOpenTime: number) => {
        await saveEngineProgress(db, consumer, [{ symbol, interval: '1m', lastOpenTime }]);
        return (await endedStrategyRuns(db, consumer))
          .filter((s) => s.id === strategy.id)
          .map((s) => [s.version, s.mode, s.activatedAt, s.endsAt]);
      };
      // An engine that evaluated nothing after the strategy started owes both runs up to their ends.
      expect(await owedTo('ends-behind', minute(0).openTime)).toEqual([
        [1, 'LIVE', 0, v1Ends],
        [2, 'LIVE', v1Ends, v2Ends],
      ]);
      // One that evaluated minute 0 (up to v1's end) owes only v2's run; one past both, nothing.
      expect(await owedTo('ends-between', minute(1).openTime)).toEqual([[2, 'LIVE', v1Ends, v2Ends]]);
      expect(await owedTo('ends-passed', minute(2).openTime)).toEqual([]);
      // Progress on another series is no debt; an inactive strategy runs nothing, ended runs included.
      await saveEngineProgress(db, 'ends-elsewhere', [{ symbol: 'OTHERUSD', interval: '1m', lastOpenTime: 0 }]);
      expect((await endedStrategyRuns(db, 'ends-elsewhere')).filter((s) => s.id === strategy.id)).toEqual([]);
      await deactivateStrategy(db, strategy.id);
      expect(await owedTo('ends-behind', minute(0).openTime)).toEqual([]);
    },
  );

  it.runIf(enabled)('creates version 1 with its change row, and refuses a taken name writing nothing', async () => {
    const before = await latestStrategyChange(db);
    const { strategy, change } = await createStrategy(db, newStrategy('create-a', { changeNote: 'first' }));
    expect(strategy).toMatchObject({
      name: 'create-a',
      version: 1,
      status: 'INACTIVE',
      source: 'NO_CODE',
      symbols: ['XRPETH'],
      interval: '1m',
      changeNote: 'first',
    });
    expect(strategy.document).toEqual(emaDocument(9, 21));
    expect(change).toMatchObject({ strategyId: strategy.id, version: 1, type: 'created' });
    expect(change.seq).toBeGreaterThan(before);
    expect(await latestStrategyChange(db)).toBe(change.seq);
    expect(await runsOf(db, strategy.id)).toEqual([]);

    await expect(createStrategy(db, newStrategy('create-a'))).rejects.toBeInstanceOf(StrategyNameTakenError);
    expect(await latestStrategyChange(db)).toBe(change.seq);

    const running = await createStrategy(db, newStrategy('create-b', { run: { mode: 'SHADOW' } }));
    expect(running.strategy.status).toBe('ACTIVE');
    expect(await runsOf(db, running.strategy.id)).toEqual([{ version: 1, mode: 'SHADOW' }]);
    expect((await getStrategyByName(db, 'create-b'))?.id).toBe(running.strategy.id);
    const byIds = await getStrategies(db, [running.strategy.id, UNKNOWN_ID, 'not-a-uuid', strategy.id]);
    expect(byIds.map((s) => s?.name)).toEqual(['create-b', undefined, undefined, 'create-a']);
  });

  it.runIf(enabled)('updates make new versions; a LIVE run of the current version moves to the new one', async () => {
    const { strategy } = await createStrategy(db, newStrategy('update-a', { run: { mode: 'LIVE' } }));
    const [firstRun] = (await listStrategyRuns(db, [strategy.id]))[0] ?? [];
    const v2 = await updateStrategy(db, strategy.id, { document: emaDocument(5, 30, '5m'), changeNote: 'faster' });
    expect(v2.strategy).toMatchObject({ version: 2, interval: '5m', symbols: ['XRPETH'], changeNote: 'faster' });
    expect(v2.change).toMatchObject({ version: 2, type: 'updated' });
    const [run] = (await listStrategyRuns(db, [strategy.id]))[0] ?? [];
    expect(run).toMatchObject({ version: 2, mode: 'LIVE' });
    expect(run?.activatedAt.getTime()).toBeGreaterThanOrEqual(firstRun?.activatedAt.getTime() ?? Infinity);

    const v3 = await updateStrategy(db, strategy.id, { symbols: ['XRPETH', 'ETHBTC'] });
    expect(v3.strategy).toMatchObject({ version: 3, symbols: ['XRPETH', 'ETHBTC'], changeNote: null });
    expect(v3.strategy.document).toEqual(emaDocument(5, 30, '5m'));
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 3, mode: 'LIVE' }]);

    const [versions] = await listStrategyVersions(db, [strategy.id]);
    expect(versions?.map((v) => [v.version, v.document.interval, v.changeNote])).toEqual([
      [1, '1m', null],
      [2, '5m', 'faster'],
      [3, '5m', null],
    ]);
    expect((await getStrategyVersion(db, strategy.id, 1))?.document).toEqual(emaDocument(9, 21));
    expect(await getStrategyVersion(db, strategy.id, 9)).toBeUndefined();

    await expect(updateStrategy(db, UNKNOWN_ID, { changeNote: 'x' })).rejects.toBeInstanceOf(StrategyNotFoundError);
  });

  it.runIf(enabled)('a shadow run stays on its version when the strategy is updated', async () => {
    const { strategy } = await createStrategy(db, newStrategy('update-shadow', { run: { mode: 'SHADOW' } }));
    await updateStrategy(db, strategy.id, { document: emaDocument(7, 25) });
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 1, mode: 'SHADOW' }]);
  });

  it.runIf(enabled)('rolls back as a new version copying the old document, history intact', async () => {
    const { strategy } = await createStrategy(db, newStrategy('rollback-a', { symbols: ['XRPETH'] }));
    await updateStrategy(db, strategy.id, { document: emaDocument(12, 26), symbols: ['ETHBTC'], changeNote: 'v2' });
    const back = await rollbackStrategy(db, strategy.id, 1);
    expect(back.strategy).toMatchObject({ version: 3, symbols: ['XRPETH'], changeNote: 'rollback to v1' });
    expect(back.strategy.document).toEqual(emaDocument(9, 21));
    expect(back.change).toMatchObject({ version: 3, type: 'rolledBack' });
    const noted = await rollbackStrategy(db, strategy.id, 2, 'back to the faster one');
    expect(noted.strategy).toMatchObject({ version: 4, symbols: ['ETHBTC'], changeNote: 'back to the faster one' });
    const [versions] = await listStrategyVersions(db, [strategy.id]);
    expect(versions?.map((v) => v.changeNote)).toEqual([null, 'v2', 'rollback to v1', 'back to the faster one']);
    expect(versions?.[1]?.document).toEqual(emaDocument(12, 26));

    const seq = await latestStrategyChange(db);
    await expect(rollbackStrategy(db, strategy.id, 7)).rejects.toBeInstanceOf(StrategyVersionNotFoundError);
    expect(await latestStrategyChange(db)).toBe(seq);
    expect((await getStrategies(db, [strategy.id]))[0]?.version).toBe(4);
  });

  it.runIf(enabled)('runs two versions side by side, deactivates one, and promotes another', async () => {
    const { strategy } = await createStrategy(db, newStrategy('ab-a', { run: { mode: 'LIVE' } }));
    await updateStrategy(db, strategy.id, { document: emaDocument(5, 13) });
    // v1 ran LIVE and moved to v2; run v1 again beside it in shadow, then A/B with both live.
    await activateStrategy(db, strategy.id, { version: 1, mode: 'SHADOW' });
    expect(await runsOf(db, strategy.id)).toEqual([
      { version: 1, mode: 'SHADOW' },
      { version: 2, mode: 'LIVE' },
    ]);
    const specs = (await runningStrategySpecs(db)).filter((s) => s.id === strategy.id);
    expect(specs.map((s) => [s.version, s.mode, s.document.indicators['fast']])).toEqual([
      [1, 'SHADOW', { type: 'EMA', period: 9 }],
      [2, 'LIVE', { type: 'EMA', period: 5 }],
    ]);
    const runs = (await listStrategyRuns(db, [strategy.id]))[0] ?? [];
    expect(specs.map((s) => s.activatedAt)).toEqual(runs.map((r) => r.activatedAt.getTime()));
    expect(specs.every((s) => s.name === 'ab-a' && s.status === 'ACTIVE' && s.source === 'NO_CODE')).toBe(true);

    // Switching mode keeps the activation time.
    const shadowSince = runs[0]?.activatedAt.getTime();
    await activateStrategy(db, strategy.id, { version: 1, mode: 'LIVE' });
    const [ab] = await listStrategyRuns(db, [strategy.id]);
    expect(ab?.map((r) => [r.version, r.mode, r.activatedAt.getTime()])).toEqual([
      [1, 'LIVE', shadowSince],
      [2, 'LIVE', runs[1]?.activatedAt.getTime()],
    ]);

    const off = await deactivateStrategy(db, strategy.id, { version: 2 });
    expect(off.change).toMatchObject({ type: 'deactivated', version: 2 });
    expect(off.strategy.status).toBe('ACTIVE');
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 1, mode: 'LIVE' }]);

    await activateStrategy(db, strategy.id, { version: 2, mode: 'SHADOW' });
    const promoted = await promoteStrategy(db, strategy.id, 2);
    expect(promoted.strategy).toMatchObject({ version: 2, status: 'ACTIVE' });
    expect(promoted.change).toMatchObject({ type: 'promoted', version: 2 });
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 2, mode: 'LIVE' }]);

    // Promoting a version that is not running starts it.
    const older = await promoteStrategy(db, strategy.id, 1);
    expect(older.strategy.version).toBe(1);
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 1, mode: 'LIVE' }]);
    // The next version is still max + 1.
    expect((await updateStrategy(db, strategy.id, {})).strategy.version).toBe(3);

    const all = await deactivateStrategy(db, strategy.id);
    expect(all.strategy.status).toBe('INACTIVE');
    expect(await runsOf(db, strategy.id)).toEqual([]);
    expect((await runningStrategySpecs(db)).some((s) => s.id === strategy.id)).toBe(false);

    const activated = await activateStrategy(db, strategy.id);
    expect(activated.change).toMatchObject({ type: 'activated', version: 3 });
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 3, mode: 'LIVE' }]);
    await expect(activateStrategy(db, strategy.id, { version: 12 })).rejects.toBeInstanceOf(
      StrategyVersionNotFoundError,
    );
    await expect(promoteStrategy(db, strategy.id, 12)).rejects.toBeInstanceOf(StrategyVersionNotFoundError);
    await expect(deactivateStrategy(db, strategy.id, { version: 12 })).rejects.toBeInstanceOf(
      StrategyVersionNotFoundError,
    );
  });

  it.runIf(enabled)('archives for good: runs removed, every later change refused, nothing recorded', async () => {
    const { strategy } = await createStrategy(db, newStrategy('archive-a', { run: { mode: 'LIVE' } }));
    const archived = await archiveStrategy(db, strategy.id);
    expect(archived.strategy.status).toBe('ARCHIVED');
    expect(archived.change).toMatchObject({ type: 'archived', version: 1 });
    expect(await runsOf(db, strategy.id)).toEqual([]);
    const seq = await latestStrategyChange(db);
    const refusals = [
      () => updateStrategy(db, strategy.id, { changeNote: 'no' }),
      () => rollbackStrategy(db, strategy.id, 1),
      () => archiveStrategy(db, strategy.id),
      () => activateStrategy(db, strategy.id),
      () => deactivateStrategy(db, strategy.id),
      () => promoteStrategy(db, strategy.id, 1),
    ];
    for (const refusal of refusals) await expect(refusal()).rejects.toBeInstanceOf(StrategyArchivedError);
    expect(await latestStrategyChange(db)).toBe(seq);
    const [versions] = await listStrategyVersions(db, [strategy.id]);
    expect(versions).toHaveLength(1);
  });

  it.runIf(enabled)('records one change per mutation, in order', async () => {
    const seq = await latestStrategyChange(db);
    const { strategy } = await createStrategy(db, newStrategy('changes-a'));
    await updateStrategy(db, strategy.id, { changeNote: 'two' });
    await activateStrategy(db, strategy.id, { mode: 'SHADOW' });
    await promoteStrategy(db, strategy.id, 2);
    await rollbackStrategy(db, strategy.id, 1);
    await deactivateStrategy(db, strategy.id);
    await archiveStrategy(db, strategy.id);
    const changes = await listStrategyChanges(db, { after: seq });
    expect(changes.map((c) => [c.type, c.version])).toEqual([
      ['created', 1],
      ['updated', 2],
      ['activated', 2],
      ['promoted', 2],
      ['rolledBack', 3],
      ['deactivated', 3],
      ['archived', 3],
    ]);
    expect(changes.every((c) => c.strategyId === strategy.id)).toBe(true);
    expect(await latestStrategyChange(db)).toBe(changes.at(-1)?.seq);
  });

  it.runIf(enabled)('filters by status, symbol, source and mode, and pages in a stable order', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { strategy } = await createStrategy(
        db,
        newStrategy(`list-${i}`, {
          symbols: i % 2 === 0 ? ['LISTSYM'] : ['OTHERSYM'],
          source: i === 6 ? 'AI_ML' : 'NO_CODE',
          ...(i < 3 ? { run: { mode: i === 0 ? 'SHADOW' : 'LIVE' } } : {}),
        }),
      );
      made.push(strategy.id);
    }
    const names = async (filter: Parameters<typeof listStrategies>[1]['filter']) =>
      (await listStrategies(db, { first: 100, filter })).items
        .map((i) => i.node.name)
        .filter((n) => n.startsWith('list-'));
    expect(await names({ symbol: 'LISTSYM' })).toEqual(['list-0', 'list-2', 'list-4', 'list-6']);
    expect(await names({ source: 'AI_ML' })).toEqual(['list-6']);
    expect(await names({ mode: 'SHADOW' })).toEqual(['list-0']);
    expect(await names({ mode: 'LIVE', symbol: 'OTHERSYM' })).toEqual(['list-1']);
    expect(await names({ status: 'ACTIVE', symbol: 'LISTSYM' })).toEqual(['list-0', 'list-2']);

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listStrategies(db, { first: 3, after, filter: { status: 'INACTIVE' } });
      seen.push(...page.items.map((i) => i.node.id));
      if (!page.hasNextPage) break;
      after = page.items.at(-1)?.cursor;
    }
    const inactive = (await listStrategies(db, { first: 100, filter: { status: 'INACTIVE' } })).items;
    expect(seen).toEqual(inactive.map((i) => i.node.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => made.includes(id))).toEqual(made.slice(3));
    await expect(listStrategies(db, { first: 1, after: 'nonsense' })).rejects.toThrow(/not a cursor/);
  });

  it.runIf(enabled)('caps the number of unarchived strategies', async () => {
    const counted = await listStrategies(db, { first: 100 });
    const unarchived = counted.items.filter((i) => i.node.status !== 'ARCHIVED').length;
    await expect(createStrategy(db, newStrategy('cap-a'), { maxStrategies: unarchived })).rejects.toBeInstanceOf(
      StrategyLimitError,
    );
    const { strategy } = await createStrategy(db, newStrategy('cap-a'), { maxStrategies: unarchived + 1 });
    await expect(createStrategy(db, newStrategy('cap-b'), { maxStrategies: unarchived + 1 })).rejects.toBeInstanceOf(
      StrategyLimitError,
    );
    await archiveStrategy(db, strategy.id);
    await createStrategy(db, newStrategy('cap-b'), { maxStrategies: unarchived + 1 });
  });

  it.runIf(enabled)('serializes concurrent changes: parallel updates get consecutive versions', async () => {
    const { strategy } = await createStrategy(db, newStrategy('parallel-a', { run: { mode: 'LIVE' } }));
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => updateStrategy(db, strategy.id, { changeNote: `parallel ${i}` })),
    );
    expect(results.map((r) => r.strategy.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6]);
    expect((await getStrategies(db, [strategy.id]))[0]?.version).toBe(6);
    expect(await runsOf(db, strategy.id)).toEqual([{ version: 6, mode: 'LIVE' }]);
  });

  it.runIf(enabled)('holds the cap under parallel creations', async () => {
    const unarchived = (await listStrategies(db, { first: 100 })).items.filter(
      (i) => i.node.status !== 'ARCHIVED',
    ).length;
    const settled = await Promise.allSettled(
      [0, 1, 2, 3].map((i) => createStrategy(db, newStrategy(`parallel-cap-${i}`), { maxStrategies: unarchived + 2 })),
    );
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const r of settled.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StrategyLimitError);
    }
  });

  it.runIf(enabled)('saves and reads the engine figures per version', async () => {
    const { strategy } = await createStrategy(db, newStrategy('stats-a', { run: { mode: 'LIVE' } }));
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    await saveStrategyVersionStats(db, [
      {
        strategyId: strategy.id,
        version: 1,
        evaluations: 12_345_678_901,
        evalP50Ms: 0.012,
        evalP99Ms: 0.5,
        errors: 0,
        lastError: null,
        state: 'RUNNING',
        updatedAt: at,
      },
    ]);
    await saveStrategyVersionStats(db, [
      {
        strategyId: strategy.id,
        version: 1,
        evaluations: 12_345_678_950,
        evalP50Ms: 0.013,
        evalP99Ms: 0.75,
        errors: 2,
        lastError: 'division by zero',
        state: 'ERROR',
        updatedAt: at,
      },
    ]);
    const [stats, none] = await listStrategyVersionStats(db, [strategy.id, UNKNOWN_ID]);
    expect(stats).toEqual([
      {
        strategyId: strategy.id,
        version: 1,
        evaluations: 12_345_678_950,
        evalP50Ms: 0.013,
        evalP99Ms: 0.75,
        errors: 2,
        lastError: 'division by zero',
        state: 'ERROR',
        updatedAt: at,
      },
    ]);
    expect(none).toEqual([]);
  });
});

describe('strategies written before documents', () => {
  it('read as the template documents with their parameters, and keep running after the migration', async () => {
    // Migrate a fresh database to 0002 only, store strategies as the old code did, then apply the rest.
    const { client, db, upgrade, close } = await earlierDatabase('0003_strategy_documents');
    try {
      const { rows } = await client.query<{ id: string; name: string }>(
        `insert into strategies (name, status, current_version, updated_at) values
           ('old-ema', 'ACTIVE', 2, '2024-05-01T10:00:00.123Z'), ('old-rsi', 'INACTIVE', 1, now())
         returning id, name`,
      );
      const ema = rows.find((r) => r.name === 'old-ema')?.id ?? '';
      const rsi = rows.find((r) => r.name === 'old-rsi')?.id ?? '';
      await client.query(
        `insert into strategy_versions (strategy_id, version, type, source, symbols, interval, parameters) values
           ($1, 1, 'EMA_CROSSOVER', 'NO_CODE', '{XRPETH}', '1m', '{}'),
           ($1, 2, 'EMA_CROSSOVER', 'NO_CODE', '{XRPETH}', '5m', '{"fastPeriod":5,"slowPeriod":34,"stopLossAtr":2.5,"quantity":10}'),
           ($2, 1, 'RSI_REVERSION', 'NO_CODE', '{ETHBTC}', '15m', '{"period":7,"oversold":25,"overbought":80,"atrPeriod":10,"takeProfitAtr":4}')`,
        [ema, rsi],
      );
      await upgrade();

      const emaDoc: StrategyDocument = {
        version: 1,
        interval: '5m',
        indicators: {
          fast: { type: 'EMA', period: 5 },
          slow: { type: 'EMA', period: 34 },
          atr: { type: 'ATR', period: 14 },
        },
        rules: [
          { id: 'golden-cross', side: 'BUY', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'slow' }] } },
          { id: 'death-cross', side: 'SELL', when: { crossesBelow: [{ ind: 'fast' }, { ind: 'slow' }] } },
        ],
        stopLoss: { atr: 'atr', multiple: 2.5 },
        takeProfit: { atr: 'atr', multiple: 3 },
        confidence: {
          add: [
            0.5,
            {
              mul: [
                0.3,
                {
                  min: [
                    1,
                    { div: [{ abs: { sub: [{ ind: 'fast' }, { ind: 'slow' }] } }, { mul: [0.5, { ind: 'atr' }] }] },
                  ],
                },
              ],
            },
          ],
        },
        cooldownBars: 3,
        lifetimeBars: 5,
        sizing: { quantity: 10 },
      };
      const rsiDoc: StrategyDocument = {
        version: 1,
        interval: '15m',
        indicators: {
          rsi: { type: 'RSI', period: 7 },
          rsiLow: { type: 'LOWEST', period: 5, source: { ind: 'rsi' } },
          rsiHigh: { type: 'HIGHEST', period: 5, source: { ind: 'rsi' } },
          atr: { type: 'ATR', period: 10 },
        },
        rules: [
          { id: 'oversold-exit', side: 'BUY', when: { crossesAbove: [{ ind: 'rsi' }, 25] } },
          { id: 'overbought-exit', side: 'SELL', when: { crossesBelow: [{ ind: 'rsi' }, 80] } },
        ],
        stopLoss: { atr: 'atr', multiple: 1.5 },
        takeProfit: { atr: 'atr', multiple: 4 },
        confidence: {
          add: [0.5, { div: [{ max: [{ sub: [25, { ind: 'rsiLow' }] }, { sub: [{ ind: 'rsiHigh' }, 80] }] }, 40] }],
        },
        cooldownBars: 5,
        lifetimeBars: 5,
      };
      const [oldEma, oldRsi] = await getStrategies(db, [ema, rsi]);
      expect(oldEma).toMatchObject({ version: 2, interval: '5m', status: 'ACTIVE', document: emaDoc });
      expect(oldRsi).toMatchObject({ version: 1, interval: '15m', document: rsiDoc });
      const [emaVersions] = await listStrategyVersions(db, [ema]);
      expect(emaVersions?.[0]?.document.indicators).toEqual({
        fast: { type: 'EMA', period: 9 },
        slow: { type: 'EMA', period: 21 },
        atr: { type: 'ATR', period: 14 },
      });

      // The active one runs its current version, live, since its last change.
      expect(await runningStrategySpecs(db)).toEqual([
        {
          id: ema,
          name: 'old-ema',
          version: 2,
          source: 'NO_CODE',
          symbols: ['XRPETH'],
          interval: '5m',
          document: emaDoc,
          status: 'ACTIVE',
          mode: 'LIVE',
          activatedAt: Date.parse('2024-05-01T10:00:00.123Z'),
        },
      ]);

      // A legacy version is copied as a document when rolled back to.
      const back = await rollbackStrategy(db, rsi, 1);
      expect(back.strategy).toMatchObject({ version: 2, document: rsiDoc, symbols: ['ETHBTC'] });
      const stored = await client.query<{ document: unknown; type: unknown }>(
        'select document, type from strategy_versions where strategy_id = $1 and version = 2',
        [rsi],
      );
      expect(stored.rows).toEqual([{ document: rsiDoc, type: null }]);
    } finally {
      await close();
    }
  });
});
