import { type BusMessage, MemoryEventBus, TOPICS } from '@alphintra/bus';
import { type Candle, type Signal, type SignalOutcome, signalId, toStandardOutcome } from '@alphintra/core';
import {
  createStrategy,
  type Database,
  DrizzleCandleStore,
  getOutcomes,
  insertSignals,
  loadDeliveryCursor,
  openDatabase,
  type StoredOutcome,
} from '@alphintra/db';
import { followSignal, templateById } from '@alphintra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaOutcomeChannel } from './channels.ts';
import { silentLog } from './log.ts';
import { toCandleMessage } from './market-data-service.ts';
import { OUTCOMES_CHANNEL, OUTCOMES_CLOSED_CURSOR, OutcomeService, outcomeOutbox } from './outcome-service.ts';
import { OutboxRelay } from './relay.ts';

const M = 60_000;
const BASE = Date.UTC(2026, 0, 1);
const SYMBOL = 'XRPETH';
const BARS: readonly (readonly [open: number, high: number, low: number, close: number])[] = [
  [100, 101, 99, 100],
  [100, 102, 99, 101],
  [101, 103, 100, 102],
  [102, 106, 101, 105],
  [105, 105, 95, 96],
  [96, 97, 90, 91],
  [91, 92, 89, 90],
  [90, 91, 88, 89],
];

function candle(i: number): Candle {
  const [open, high, low, close] = BARS[i] ?? [];
  return {
    symbol: SYMBOL,
    interval: '1m',
    openTime: BASE + i * M,
    closeTime: BASE + (i + 1) * M,
    open: String(open),
    high: String(high),
    low: String(low),
    close: String(close),
    volume: '1',
    trades: 1,
    source: 'replay',
    complete: true,
    lastTradeTime: BASE + (i + 1) * M - 1,
  };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('OutcomeService', () => {
  let database: Database;
  let store: DrizzleCandleStore;
  const bus = new MemoryEventBus();
  let strategy: { id: string; name: string; version: number };
  const consumed: BusMessage[] = [];

  function signal(
    bar: number,
    action: 'BUY' | 'SELL',
    levels: { entry: number; stop: number; target: number },
    lifetime: number,
  ): Signal {
    const timestamp = BASE + (bar + 1) * M;
    return {
      id: signalId(strategy.id, strategy.version, SYMBOL, timestamp),
      timestamp,
      strategyId: strategy.id,
      strategyName: strategy.name,
      strategyVersion: strategy.version,
      strategySource: 'NO_CODE',
      symbol: SYMBOL,
      action,
      confidence: 0.5,
      quantity: null,
      priceTarget: String(levels.entry),
      stopLoss: String(levels.stop),
      takeProfit: String(levels.target),
      riskScore: 0.5,
      metadata: { marketConditions: 'RANGING', volatility: 0.01, volumeProfile: 'NORMAL' },
      executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
      explanation: { rule: 'test', indicators: [] },
      expiresAt: timestamp + lifetime * M,
      shadow: false,
      marketDataTimestamp: timestamp - 1,
      latencyMs: null,
    };
  }

  /** A BUY signal of `owner` at `timestamp` (levels set by the caller). */
  function signalOf(owner: { id: string; name: string; version: number }, timestamp: number): Signal {
    return {
      ...signal(0, 'BUY', { entry: 1, stop: 1, target: 1 }, 1),
      id: signalId(owner.id, owner.version, 'ETHBTC', timestamp),
      timestamp,
      strategyId: owner.id,
      strategyName: owner.name,
      strategyVersion: owner.version,
      symbol: 'ETHBTC',
      marketDataTimestamp: timestamp - 1,
    };
  }

  /** What `followSignal` gives on every stored candle of the series: the reference the service must equal. */
  async function expected(signals: readonly Signal[]): Promise<SignalOutcome[]> {
    const candles = await store.query({ symbol: SYMBOL, interval: '1m' });
    return signals.map((s) => followSignal(s, candles));
  }

  async function stored(signals: readonly Signal[]): Promise<(SignalOutcome | undefined)[]> {
    const outcomes = await getOutcomes(
      database.db,
      signals.map((s) => s.id),
    );
    return outcomes.map((o) => {
      if (o === undefined) return undefined;
      const { exitPriceDecimal, ...outcome } = o;
      // The exact text stored is the exit price's.
      expect(exitPriceDecimal === null ? null : Number(exitPriceDecimal)).toBe(outcome.exitPrice);
      return outcome;
    });
  }

  beforeAll(async () => {
    database = await openDatabase({});
    store = new DrizzleCandleStore(database.db);
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const { strategy: created } = await createStrategy(database.db, {
      name: 'outcome test',
      source: 'NO_CODE',
      symbols: [SYMBOL],
      document,
    });
    strategy = { id: created.id, name: created.name, version: created.version };
    await bus.ensureTopics([{ topic: TOPICS.candles }, { topic: TOPICS.signalOutcomes }]);
    await bus.consume({
      groupId: 'test-outcomes',
      topics: [TOPICS.signalOutcomes],
      fromBeginning: true,
      handler: (message) => {
        consumed.push(message);
      },
    });
  });

  afterAll(async () => {
    await bus.close();
    await database?.close();
  });

  it("follows a signal on its strategy's interval, not on the 1m candles", async () => {
    const document = templateById('ema-crossover')?.document;
    if (document === undefined) throw new Error('no template');
    const { strategy: fiveMinute } = await createStrategy(database.db, {
      name: 'outcome test 5m',
      source: 'NO_CODE',
      symbols: ['ETHBTC'],
      document: { ...document, interval: '5m' },
    });
    const at = BASE + 100 * M;
    const series = (interval: '1m' | '5m', length: number, prices: readonly (readonly number[])[]): Candle[] =>
      prices.map(([open = 0, high = 0, low = 0, close = 0], i) => ({
        ...candle(0),
        symbol: 'ETHBTC',
        interval,
        openTime: at + i * length,
        closeTime: at + (i + 1) * length,
        open: String(open),
        high: String(high),
        low: String(low),
        close: String(close),
      }));
    // On 1m the stop (95) is reached first; the first 5m candle reaches the target (110) without going under 96.
    await store.put(series('1m', M, [[100, 101, 94, 95]]));
    await store.put(series('5m', 5 * M, [[100, 111, 96, 109]]));
    const timestamp = at;
    const signal: Signal = {
      ...signalOf(fiveMinute, timestamp),
      priceTarget: '100',
      stopLoss: '95',
      takeProfit: '110',
      expiresAt: timestamp + 5 * 5 * M,
    };
    await insertSignals(database.db, [signal]);
    const service = new OutcomeService({ db: database.db, store, bus, log: silentLog, sweepMs: 3_600_000 });
    await service.start('test-5m');
    await service.drain();
    await service.stop();
    const [outcome] = await getOutcomes(database.db, [signal.id]);
    expect(outcome).toMatchObject({ status: 'TAKE_PROFIT', closedAt: at + 5 * M, exitPrice: 110 });
    const fiveMinuteCandles = await store.query({ symbol: 'ETHBTC', interval: '5m' });
    const { exitPriceDecimal: _text, ...stored } = outcome ?? { exitPriceDecimal: null };
    expect(stored).toEqual(followSignal(signal, fiveMinuteCandles));
  });

  it('follows signals on stored and bus candles, survives a restart, and relays closed outcomes to Kafka', async () => {
    const relay = new OutboxRelay<StoredOutcome>({
      db: database.db,
      channel: kafkaOutcomeChannel(bus),
      reader: outcomeOutbox(database.db),
      log: silentLog,
      pollMs: 20,
    });
    await relay.start();
    const start = async () => {
      const service = new OutcomeService({
        db: database.db,
        store,
        bus,
        log: silentLog,
        onClosed: () => relay.wake(),
        // Only the bus and `drain` move it on in this test.
        sweepMs: 3_600_000,
      });
      await service.start('test');
      return service;
    };

    await store.put([0, 1, 2].map(candle));
    // BUY 100 -> target 104 on candle 3; SELL 101 -> stop 104 on candle 3; BUY 102 expires after candle 5.
    const a = signal(0, 'BUY', { entry: 100, stop: 95, target: 104 }, 10);
    const b = signal(1, 'SELL', { entry: 101, stop: 104, target: 92 }, 10);
    const c = signal(2, 'BUY', { entry: 102, stop: 80, target: 200 }, 3);
    const seq = new Map((await insertSignals(database.db, [a, b, c])).map((s) => [s.id, s.seq]));
    const seqOf = (s: Signal) => seq.get(s.id) as number;
    const cursor = (channel: string) => loadDeliveryCursor(database.db, channel);
    let service = await start();
    await service.drain();
    // Open outcomes are not written: each is its signal without a row, and the service follows it.
    expect((await expected([a, b, c])).map((o) => o.status)).toEqual(['OPEN', 'OPEN', 'OPEN']);
    expect(await stored([a, b, c])).toEqual([undefined, undefined, undefined]);
    expect(service.following).toBe(3);
    // Handed through c; closed through what came before a (the oldest still open).
    await until(async () => (await cursor(OUTCOMES_CHANNEL)) === seqOf(c), 'the outcomes cursor at c');
    await until(async () => (await cursor(OUTCOMES_CLOSED_CURSOR)) === seqOf(a) - 1, 'closed through before a');

    // Candles 3 and 4, stored then on the bus as the market-data service does.
    for (const i of [3, 4]) {
      await store.put([candle(i)]);
      await bus.produce(TOPICS.candles, [{ key: SYMBOL, value: JSON.stringify(toCandleMessage(candle(i))) }]);
    }
    await until(async () => (await stored([a, b])).every((o) => o !== undefined), 'a and b to close');
    expect(await stored([a, b])).toEqual(await expected([a, b]));
    expect((await stored([a, b])).map((o) => o?.status)).toEqual(['TAKE_PROFIT', 'STOP_LOSS']);
    expect(await stored([c])).toEqual([undefined]);
    await until(async () => (await cursor(OUTCOMES_CLOSED_CURSOR)) === seqOf(c) - 1, 'closed through before c');

    // Down while candles 5 to 7 are stored (never on the bus) and a signal on candle 4 arrives late: SELL 96 ->
    // target 89.5 on candle 6.
    await service.stop();
    await store.put([5, 6, 7].map(candle));
    const d = signal(4, 'SELL', { entry: 96, stop: 120, target: 89.5 }, 10);
    const [late] = await insertSignals(database.db, [d]);
    // c, open at the stop, is found again between the two cursors; d comes from the outbox.
    service = await start();
    await service.drain();
    const all = [a, b, c, d];
    expect(await stored(all)).toEqual(await expected(all));
    expect((await stored(all)).map((o) => o?.status)).toEqual(['TAKE_PROFIT', 'STOP_LOSS', 'EXPIRED', 'TAKE_PROFIT']);
    expect(service.following).toBe(0);
    await until(async () => (await cursor(OUTCOMES_CLOSED_CURSOR)) === late?.seq, 'closed through d');

    // Each closed outcome once on Kafka, keyed by symbol, in the standard format.
    await until(async () => consumed.length >= 4, 'four outcome records');
    await service.stop();
    await relay.stop();
    const byId = new Map(consumed.map((m) => [m.headers['signal-id'], m]));
    expect(consumed).toHaveLength(4);
    for (const outcome of await expected(all)) {
      const message = byId.get(outcome.signalId);
      expect(message?.key).toBe(SYMBOL);
      expect(message?.headers).toEqual({
        'schema-version': '1',
        'signal-id': outcome.signalId,
        'strategy-id': strategy.id,
      });
      expect(JSON.parse(message?.value ?? 'null')).toEqual(toStandardOutcome(outcome));
    }
  });
});
