import { MemoryEventBus, TOPICS } from '@alphintra/bus';
import type { Candle, Signal } from '@alphintra/core';
import {
  createStrategy,
  type Database,
  DrizzleCandleStore,
  endedStrategyRuns,
  listSignals,
  openDatabase,
  updateStrategy,
} from '@alphintra/db';
import { createTestDatabase, everyCandleDocument, serviceUrl } from '@alphintra/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalDistributor } from './distributor.ts';
import { EngineService } from './engine-service.ts';
import { silentLog } from './log.ts';
import { toCandleMessage } from './market-data-service.ts';

const M = 60_000;
const BASE = Date.UTC(2026, 0, 1);
const SYMBOL = 'XRPETH';
const postgresUrl = serviceUrl('DATABASE_URL');

function candle(i: number): Candle {
  const price = String(100 + (i % 7));
  return {
    symbol: SYMBOL,
    interval: '1m',
    openTime: BASE + i * M,
    closeTime: BASE + (i + 1) * M,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: '1',
    trades: 1,
    source: 'replay',
    complete: true,
    lastTradeTime: BASE + (i + 1) * M - 1,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => candle(from + k));

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const adapters = [
  { name: 'PGlite', url: undefined as string | undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: postgresUrl !== undefined },
];

describe.each(adapters)('EngineService on $name: a restart behind strategy changes', ({ url, enabled }) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  async function open(): Promise<Database> {
    if (url === undefined) return openDatabase({});
    const created = await createTestDatabase(url);
    cleanup.push(created.drop);
    return openDatabase({ url: created.url });
  }

  function engineOn(database: Database, bus: MemoryEventBus): EngineService {
    return new EngineService({
      db: database.db,
      store: new DrizzleCandleStore(database.db),
      bus,
      distributor: new SignalDistributor({ db: database.db, log: silentLog }),
      log: silentLog,
    });
  }

  async function signalsOf(database: Database, id: string): Promise<Signal[]> {
    const page = await listSignals(database.db, { first: 100, filter: { strategyIds: [id] } });
    return page.items.map((item) => item.node).sort((a, b) => a.timestamp - b.timestamp);
  }

  // A change activates its new version at market time: the close of the newest stored candle of its series. Its
  // predecessor owns the candles up to that time. An engine that was down (or restarted while behind) when the
  // change was made must still give them to the predecessor, as a backtest over the stored candles does; it used
  // to load only the running version, and those candles went to no version at all.
  it.runIf(enabled)('gives the candles before each change to the version that ran then', async () => {
    const database = await open();
    cleanup.push(() => database.close());
    const store = new DrizzleCandleStore(database.db);
    const bus = new MemoryEventBus();
    cleanup.push(() => bus.close());
    await bus.ensureTopics([{ topic: TOPICS.candles }, { topic: TOPICS.strategyEvents }]);
    const { strategy } = await createStrategy(database.db, {
      name: 'every candle',
      source: 'NO_CODE',
      symbols: [SYMBOL],
      document: everyCandleDocument(1),
      run: { mode: 'LIVE' },
    });

    // The first engine evaluates candles 0 to 9 as they come, then goes away.
    const first = engineOn(database, bus);
    await first.start('test');
    const live = range(0, 10);
    await store.put(live);
    await bus.produce(
      TOPICS.candles,
      live.map((c) => ({ key: c.symbol, value: JSON.stringify(toCandleMessage(c)) })),
    );
    await until(async () => (await signalsOf(database, strategy.id)).length === 10, 'signals of candles 0 to 9');
    await first.stop();

    // While no engine runs: candles 10 to 19, update to v2, candles 20 to 24, update to v3, candles 25 to 29.
    await store.put(range(10, 20));
    await updateStrategy(database.db, strategy.id, { document: everyCandleDocument(2) });
    await store.put(range(20, 25));
    await updateStrategy(database.db, strategy.id, { document: everyCandleDocument(3) });
    await store.put(range(25, 30));

    const v2From = candle(19).closeTime; // the market time when v2 was made
    const v3From = candle(24).closeTime;
    // What the engine group (progress at candle 9) still owes: v1 up to v2's start, v2 up to v3's.
    const owed = await endedStrategyRuns(database.db, 'test.engine');
    expect(owed.map((s) => [s.version, s.endsAt])).toEqual([
      [1, v2From],
      [2, v3From],
    ]);

    const second = engineOn(database, bus);
    await second.start('test');
    const signals = await signalsOf(database, strategy.id);
    await second.stop();
    // Its progress saved past both ends, the group owes nothing any more: a later start loads no ended run.
    expect(await endedStrategyRuns(database.db, 'test.engine')).toEqual([]);
    const expected = range(0, 30).map((c) => ({
      timestamp: c.closeTime,
      strategyVersion: c.closeTime <= v2From ? 1 : c.closeTime <= v3From ? 2 : 3,
    }));
    expect(signals.map((s) => ({ timestamp: s.timestamp, strategyVersion: s.strategyVersion }))).toEqual(expected);
    // Each version with its own document: v1's stops 1 % under the close, v2's 2 %, v3's 3 %.
    for (const s of signals) {
      const close = Number(candle((s.timestamp - BASE) / M - 1).close);
      expect(Number(s.stopLoss)).toBeCloseTo(close * (1 - s.strategyVersion / 100), 9);
    }
  });
});
