/**
 * Hot reload across engine processes: the time from `updateStrategy` returning (through the gateway) to the new
 * version running in a second engine process, which has its own database connection and bus client and learns
 * of the change from `strategy.events` (or, failing that, from the committed change rows). On the real servers when
 * `DATABASE_URL` and `KAFKA_BROKERS` are set, else on the embedded defaults.
 */
import { randomUUID } from 'node:crypto';
import type { EventBus } from '@alphintra/bus';
import type { StrategyDocument } from '@alphintra/core';
import { Samples } from './measure.ts';

/** Options of `runReloadBench`. */
export interface ReloadBenchOptions {
  /** Updates timed one after another. Default 40. */
  readonly updates?: number;
  readonly databaseUrl?: string | undefined;
  readonly kafkaBrokers?: string | undefined;
}

/** What `runReloadBench` measured. */
export interface ReloadBenchResult {
  readonly engines: string;
  readonly updates: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function runReloadBench(options: ReloadBenchOptions = {}): Promise<ReloadBenchResult> {
  const { AlphintraClient, CreateStrategyDocument, UpdateStrategyDocument } = await import('@alphintra/client');
  const { DrizzleCandleStore, openDatabase } = await import('@alphintra/db');
  const { templateById } = await import('@alphintra/engine');
  const { EngineService, loadConfig, SignalDistributor, silentLog, startPlatform } = await import(
    '@alphintra/platform'
  );
  const { createTestDatabase } = await import('@alphintra/testkit');

  const real = options.databaseUrl !== undefined && options.kafkaBrokers !== undefined;
  const database = real && options.databaseUrl ? await createTestDatabase(options.databaseUrl) : null;
  const prefix = `bench-reload-${randomUUID().slice(0, 8)}`;
  const defaults = loadConfig({});
  const platform = await startPlatform(
    {
      ...defaults,
      databaseUrl: database?.url,
      dataDir: null,
      kafkaBrokers: real && options.kafkaBrokers ? options.kafkaBrokers.split(',') : [],
      consumerGroupPrefix: prefix,
      autoStartReplay: false,
      port: 0,
      host: '127.0.0.1',
      subgraphPorts: { strategy: 0, marketData: 0, signal: 0 },
      gatewayLogging: false,
    },
    () => silentLog,
  );
  const closers: (() => Promise<void>)[] = [() => platform.close()];
  try {
    // The second engine: its own connection and bus client on the real servers; the shared in-process ones else.
    let db = platform.database.db;
    let bus: EventBus = platform.bus;
    if (real && database !== null && options.kafkaBrokers) {
      const opened = await openDatabase({ url: database.url });
      closers.push(() => opened.close());
      db = opened.db;
      const { KafkaEventBus } = await import('@alphintra/bus/kafka');
      const kafka = new KafkaEventBus({ brokers: options.kafkaBrokers.split(','), clientId: `${prefix}-second` });
      closers.push(() => kafka.close());
      bus = kafka;
    }
    const second = new EngineService({
      db,
      store: new DrizzleCandleStore(db),
      bus,
      distributor: new SignalDistributor({ db, log: silentLog }),
      log: silentLog,
    });
    await second.start(prefix);
    closers.push(() => second.stop());

    const client = new AlphintraClient({ url: platform.gateway.url });
    closers.push(() => client.close());
    const template = templateById('ema-crossover')?.document;
    if (template === undefined) throw new Error('no ema-crossover template');
    const document = (fast: number): StrategyDocument => ({
      ...template,
      indicators: { ...template.indicators, fast: { type: 'EMA', period: fast } },
    });
    const created = await client.request(CreateStrategyDocument, {
      input: { name: `${prefix} reload`, symbols: ['XRPETH'], document: document(5), activate: true },
    });
    const { id } = created.createStrategy.strategy;
    const runs = (version: number) => second.engine.versionStats().some((s) => s.id === id && s.version === version);
    const until = async (condition: () => boolean, what: string) => {
      const deadline = performance.now() + 10_000;
      while (!condition()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    await until(() => runs(1), 'the second engine to run version 1');

    const updates = options.updates ?? 40;
    const samples = new Samples();
    for (let i = 0; i < updates; i++) {
      const result = await client.request(UpdateStrategyDocument, {
        input: { id, document: document(6 + (i % 10)), changeNote: `bench ${i}` },
      });
      const returned = performance.now();
      const version = result.updateStrategy.strategy.version;
      await until(() => runs(version) && !runs(version - 1), `the second engine to run version ${version}`);
      samples.push(performance.now() - returned);
    }
    const summary = samples.summary();
    if (summary === null) throw new Error('no samples');
    return {
      engines: real ? 'PostgreSQL + Kafka' : 'PGlite + in-process bus',
      updates,
      p50Ms: summary.p50,
      p99Ms: summary.p99,
      maxMs: summary.max,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await database?.drop();
  }
}
