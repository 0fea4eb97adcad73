import { type BusConsumer, type BusMessage, type EventBus, TOPICS } from '@alphintra/bus';
import { activeStrategySpecs, type Db } from '@alphintra/db';
import { InferenceEngine } from '@alphintra/engine';
import type { SignalDistributor } from './distributor.ts';
import type { Log } from './log.ts';
import type { CandleMessage } from './market-data-service.ts';
import { retryForever } from './retry.ts';

/**
 * Runs the inference engine as a service: consumes closed candles from `market.candles` (a consumer group, so
 * more workers would split the symbols), reloads the active strategies on each `strategy.events` record (hot
 * reload: in effect from the next candle), and hands each candle's signals to the distributor.
 */
export class EngineService {
  readonly engine = new InferenceEngine();
  readonly #db: Db;
  readonly #bus: EventBus;
  readonly #distributor: SignalDistributor;
  readonly #log: Log;
  readonly #consumers: BusConsumer[] = [];
  #stopped = false;

  constructor(options: { db: Db; bus: EventBus; distributor: SignalDistributor; log: Log }) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#distributor = options.distributor;
    this.#log = options.log;
  }

  /** Loads the active strategies, then starts consuming. */
  async start(groupPrefix = 'alphintra'): Promise<void> {
    await this.reloadStrategies();
    this.#consumers.push(
      await this.#bus.consume({
        groupId: `${groupPrefix}.engine.strategy-events`,
        topics: [TOPICS.strategyEvents],
        handler: () => this.reloadStrategies(),
      }),
      await this.#bus.consume({
        groupId: `${groupPrefix}.engine`,
        topics: [TOPICS.candles],
        handler: (message) => this.#onCandle(message),
      }),
    );
  }

  /** Re-reads the active strategies; the engine applies them from the next candle. */
  async reloadStrategies(): Promise<void> {
    const specs = await retryForever(
      'loading active strategies',
      () => activeStrategySpecs(this.#db),
      (m, e) => this.#log.warn(m, e),
      () => this.#stopped,
    );
    for (const rejected of this.engine.setStrategies(specs)) {
      this.#log.warn(
        `strategy ${rejected.id} v${rejected.version} not run: ${rejected.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    }
  }

  async #onCandle(message: BusMessage): Promise<void> {
    let parsed: CandleMessage;
    try {
      parsed = JSON.parse(message.value) as CandleMessage;
    } catch (error) {
      // A record that can never be processed is skipped, not retried forever (it would block its partition).
      this.#log.error(`skipped unreadable ${message.topic} record at ${message.partition}/${message.offset}`, error);
      return;
    }
    const { closedAtEpochMs, ...candle } = parsed;
    const signals = this.engine.onCandle(candle);
    if (signals.length === 0) return;
    const latencyMs = Math.max(0, performance.timeOrigin + performance.now() - closedAtEpochMs);
    await this.#distributor.distribute(signals.map((s) => ({ ...s, latencyMs })));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#consumers.map((c) => c.close()));
  }
}
