import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TOPICS } from '@alphintra/bus';
import { type Candle, type Interval, type SignalOutcome, toStandardOutcome } from '@alphintra/core';
import { getOutcomes, latestOutcomeSeq, latestSignalSeq, readOutcomeOutbox, versionIntervals } from '@alphintra/db';
import { followSignal } from '@alphintra/engine';
import { type Log, type OutboxRelay, startPlatform } from '@alphintra/platform';
import { createTestDatabase, serviceUrl, uniqueSuffix } from '@alphintra/testkit';
import { fromFile, Parser } from '@asyncapi/parser';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeSignals, createStrategies, settled, storedSignals } from './distribution.ts';
import { candlesOf, TRADES_SLICE, testPlatformConfig, waitFor } from './support.ts';

const DOCUMENT = fileURLToPath(new URL('../schema/asyncapi.yaml', import.meta.url));
const SIGNAL_SCHEMA = fileURLToPath(new URL('../schema/signal.schema.json', import.meta.url));
const OUTCOME_SCHEMA = fileURLToPath(new URL('../schema/signal-outcome.schema.json', import.meta.url));
const databaseUrl = serviceUrl('DATABASE_URL');
const kafkaBrokers = serviceUrl('KAFKA_BROKERS');
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

// The parser marks every schema it resolved with `x-parser-*` keys; ajv is told they are annotations.
function annotated<T extends Ajv>(ajv: T): T {
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-parser-schema-id' });
  ajv.addKeyword({ keyword: 'x-parser-message-name' });
  return ajv;
}

/** A compiled JSON Schema: draft 2020-12 when it says so (the signal schema), else draft-07 (AsyncAPI's own). */
function compile(schema: unknown): ValidateFunction {
  const draft2020 = (schema as { $schema?: string }).$schema?.includes('2020-12') ?? false;
  return draft2020
    ? annotated(new Ajv2020({ strict: false, allErrors: true })).compile(schema as object)
    : annotated(new Ajv({ strict: false, allErrors: true })).compile(schema as object);
}

async function parseDocument() {
  const { document, diagnostics } = await fromFile(new Parser(), DOCUMENT).parse();
  return { document, diagnostics };
}

describe('schema/asyncapi.yaml', () => {
  let parsed: Awaited<ReturnType<typeof parseDocument>>;
  beforeAll(async () => {
    parsed = await parseDocument();
  });

  it('is a valid AsyncAPI 3.0.0 document (@asyncapi/parser, with its $refs resolved)', () => {
    // Severity 0 is an error; the one "newer version available" hint is not.
    expect(parsed.diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(parsed.document?.version()).toBe('3.0.0');
  });

  it('has a channel per platform topic, keyed, and the signal payload is schema/signal.schema.json', () => {
    const document = parsed.document;
    if (!document) throw new Error('not parsed');
    const addresses = document
      .channels()
      .all()
      .map((channel) => channel.address());
    expect([...addresses].sort()).toEqual(Object.values(TOPICS).sort());
    for (const channel of document.channels().all()) {
      for (const message of channel.messages().all()) {
        const key = message.bindings().get('kafka')?.value()?.['key'];
        expect(key, `${channel.address()} key`).toBeDefined();
        expect(message.payload()?.json(), `${channel.address()} payload`).toBeDefined();
      }
    }
    const signal = document.channels().get('tradingSignals')?.messages().get('signal');
    const own = JSON.parse(readFileSync(SIGNAL_SCHEMA, 'utf8')) as { $id: string; required: string[] };
    expect(signal?.payload()?.json()).toMatchObject({ $id: own.$id, required: own.required });
    const declared = signal?.headers()?.json() as { properties?: Record<string, unknown> } | undefined;
    expect(Object.keys(declared?.properties ?? {}).sort()).toEqual(['schema-version', 'signal-id', 'strategy-id']);
    const outcome = document.channels().get('tradingSignalOutcomes')?.messages().get('signalOutcome');
    const outcomeSchema = JSON.parse(readFileSync(OUTCOME_SCHEMA, 'utf8')) as { $id: string; required: string[] };
    expect(outcome?.payload()?.json()).toMatchObject({ $id: outcomeSchema.$id, required: outcomeSchema.required });
    const outcomeHeaders = outcome?.headers()?.json() as { properties?: Record<string, unknown> } | undefined;
    expect(Object.keys(outcomeHeaders?.properties ?? {}).sort()).toEqual([
      'schema-version',
      'signal-id',
      'strategy-id',
    ]);
  });

  describe.skipIf(!databaseUrl || !kafkaBrokers)('against messages consumed from the platform on Kafka', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step().catch(() => {});
    });

    it('every trading.signals record of a replay fits the declared payload, headers and key', async () => {
      if (!databaseUrl || !kafkaBrokers) throw new Error('unreachable: skipped');
      const document = parsed.document;
      if (!document) throw new Error('not parsed');
      const message = document.channels().get('tradingSignals')?.messages().get('signal');
      const fromDocument = compile(message?.payload()?.json());
      const fromFileSchema = compile(JSON.parse(readFileSync(SIGNAL_SCHEMA, 'utf8')));
      const headers = compile(message?.headers()?.json());
      const key = compile(message?.bindings().get('kafka')?.value()?.['key']);

      const database = await createTestDatabase(databaseUrl);
      cleanup.push(database.drop);
      const suffix = uniqueSuffix();
      const platform = await startPlatform(
        testPlatformConfig({ suffix, databaseUrl: database.url, kafkaBrokers }),
        () => silent,
      );
      cleanup.push(() => platform.close());
      const strategies = await createStrategies(platform.database.db, 'XRPETH', 6);
      await waitFor(
        'the engine to run the strategies',
        () => platform.engine.engine.stats.strategies >= strategies.length,
      );
      const reader = await consumeSignals(kafkaBrokers, `e2e-${suffix}-asyncapi`, new Set(strategies.map((s) => s.id)));
      cleanup.push(reader.stop);
      const outcomeReader = await consumeSignals(
        kafkaBrokers,
        `e2e-${suffix}-asyncapi-outcomes`,
        new Set(strategies.map((s) => s.id)),
        TOPICS.signalOutcomes,
      );
      cleanup.push(outcomeReader.stop);

      const expectedCandles = await candlesOf(TRADES_SLICE);
      await platform.startReplay();
      await waitFor(
        'the engine to see every candle',
        () => platform.engine.engine.stats.candles >= expectedCandles.length,
      );
      await settled('signals to be stored', () => latestSignalSeq(platform.database.db));
      const latest = await latestSignalSeq(platform.database.db);
      const relay = platform.relays.find((r) => r.name === 'kafka') as OutboxRelay;
      await waitFor('the Kafka relay to catch up', () => relay.stats.cursor >= latest);
      const stored = await storedSignals(platform.database.db);
      await waitFor('every signal on Kafka', () => reader.records.length >= stored.length);

      expect(reader.records.length).toBeGreaterThan(10);
      for (const record of reader.records) {
        const value = JSON.parse(record.raw) as unknown;
        expect(fromDocument(value), JSON.stringify(fromDocument.errors)).toBe(true);
        expect(fromFileSchema(value), JSON.stringify(fromFileSchema.errors)).toBe(true);
        expect(headers(record.headers), JSON.stringify(headers.errors)).toBe(true);
        expect(key(record.key), JSON.stringify(key.errors)).toBe(true);
        expect(record.headers['signal-id']).toBe(record.value.signal_id);
        expect(record.headers['strategy-id']).toBe(record.value.strategy_id);
        expect(record.key).toBe(record.value.symbol);
      }
      // The validators do reject: a record missing a key, and a header of another schema version.
      const [first] = reader.records;
      const { expires_at: _dropped, ...incomplete } = first?.value ?? ({} as Record<string, unknown>);
      expect(fromDocument(incomplete)).toBe(false);
      expect(headers({ ...first?.headers, 'schema-version': '1' })).toBe(false);

      // trading.signal-outcomes: every closed outcome, once, fitting the declared payload, headers and key.
      const outcomeMessage = document.channels().get('tradingSignalOutcomes')?.messages().get('signalOutcome');
      const outcomeFromDocument = compile(outcomeMessage?.payload()?.json());
      const outcomeFromFile = compile(JSON.parse(readFileSync(OUTCOME_SCHEMA, 'utf8')));
      const outcomeHeaders = compile(outcomeMessage?.headers()?.json());
      const outcomeKey = compile(outcomeMessage?.bindings().get('kafka')?.value()?.['key']);
      const db = platform.database.db;
      await waitFor('the outcome service to see every signal', () => platform.outcomes.relay.stats.cursor >= latest);
      await settled('outcomes to be stored', () => latestOutcomeSeq(db));
      const latestOutcome = await latestOutcomeSeq(db);
      await waitFor('the outcome relay to catch up', () => platform.outcomeRelay.stats.cursor >= latestOutcome);
      const closed = await readOutcomeOutbox(db, { afterSeq: 0, limit: 1_000_000 });
      await waitFor('every closed outcome on Kafka', () => outcomeReader.records.length >= closed.length);
      expect(outcomeReader.records).toHaveLength(closed.length);
      const closedById = new Map(closed.map((o) => [o.signalId, o]));
      for (const record of outcomeReader.records) {
        const value = JSON.parse(record.raw) as Record<string, unknown>;
        expect(outcomeFromDocument(value), JSON.stringify(outcomeFromDocument.errors)).toBe(true);
        expect(outcomeFromFile(value), JSON.stringify(outcomeFromFile.errors)).toBe(true);
        expect(outcomeHeaders(record.headers), JSON.stringify(outcomeHeaders.errors)).toBe(true);
        expect(outcomeKey(record.key), JSON.stringify(outcomeKey.errors)).toBe(true);
        expect(record.headers['signal-id']).toBe(value['signal_id']);
        expect(record.headers['strategy-id']).toBe(value['strategy_id']);
        expect(record.key).toBe(value['symbol']);
        const stored = closedById.get(String(value['signal_id']));
        expect(stored).toBeDefined();
        if (stored !== undefined) expect(value).toEqual(toStandardOutcome(stored));
      }
      const sample = JSON.parse(outcomeReader.records[0]?.raw ?? '{}') as Record<string, unknown>;
      expect(outcomeFromDocument({ ...sample, status: 'OPEN' })).toBe(false);

      // Each outcome is what followSignal gives on the stored candles of the signal's series.
      const intervals = await versionIntervals(
        db,
        stored.map((s) => ({ strategyId: s.strategyId, version: s.strategyVersion })),
      );
      const series = new Map<string, Candle[]>();
      const outcomes = await getOutcomes(
        db,
        stored.map((s) => s.id),
      );
      for (const [i, signal] of stored.entries()) {
        const interval = intervals.get(`${signal.strategyId}|${signal.strategyVersion}`) as Interval;
        const key = `${signal.symbol}|${interval}`;
        let candles = series.get(key);
        if (candles === undefined) {
          candles = await platform.candles.query({ symbol: signal.symbol, interval });
          series.set(key, candles);
        }
        const { exitPriceDecimal: _text, ...outcome } =
          outcomes[i] ?? ({} as SignalOutcome & { exitPriceDecimal: null });
        expect(outcome).toEqual(followSignal(signal, candles));
      }
      // The replay's signals expire within it, so every one of them is closed.
      expect(closed).toHaveLength(stored.length);
    });
  });
});
