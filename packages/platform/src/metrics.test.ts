import { MemoryEventBus } from '@alphintra/bus';
import type { Db } from '@alphintra/db';
import { syntheticSignal } from '@alphintra/testkit';
import { describe, expect, it } from 'vitest';
import { PlatformMetrics } from './metrics.ts';

const strategy = (id: string) => ({ id, name: id, version: 1, source: 'NO_CODE' as const });
/** A database that is down: the scrape-time gauges have no samples, the scrape itself still answers. */
const unreachable = {} as Db;

function metricsOf(maxLabelValues: number) {
  return new PlatformMetrics(
    { db: unreachable, bus: new MemoryEventBus(), channels: () => ['pubsub', 'kafka'] },
    { maxLabelValues },
  );
}

const series = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`));

describe('PlatformMetrics', () => {
  it('keeps at most maxLabelValues strategies and symbols as labels, the rest as other', async () => {
    const metrics = metricsOf(2);
    const signals = ['s1', 's2', 's3'].flatMap((id) =>
      ['AAA', 'BBB', 'CCC'].map((symbol) => syntheticSignal(strategy(id), 60_000, symbol)),
    );
    metrics.signalsStored(signals, null);
    const text = await metrics.registry.metrics();
    const lines = series(text, 'alphintra_signals_total');
    const labels = (name: string) => new Set(lines.map((line) => new RegExp(`${name}="([^"]+)"`).exec(line)?.[1]));
    expect(labels('strategy')).toEqual(new Set(['s1', 's2', 'other']));
    expect(labels('symbol')).toEqual(new Set(['AAA', 'BBB', 'other']));
    const total = lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    expect(total).toBe(signals.length);
  });

  it('times each stored signal once per channel, and never a shadow signal', async () => {
    const metrics = metricsOf(10);
    const live = syntheticSignal(strategy('s1'), 60_000);
    const shadow = { ...syntheticSignal(strategy('s2'), 60_000), shadow: true };
    metrics.signalsStored([live, shadow], performance.timeOrigin + performance.now() - 1_500);
    for (const channel of ['pubsub', 'kafka', 'pubsub']) metrics.signalsDelivered(channel, [live, shadow]);
    const text = await metrics.registry.metrics();

    // The candle closed 1.5 s before the signal was stored.
    expect(text).toMatch(/^alphintra_signal_store_latency_seconds_count 1$/m);
    expect(text).toMatch(/^alphintra_signal_store_latency_seconds_bucket\{le="1"\} 0$/m);
    expect(text).toMatch(/^alphintra_signal_store_latency_seconds_bucket\{le="2.5"\} 1$/m);
    // The second pubsub hand-over (a redelivery) is not timed again: the signal has reached both channels.
    expect(text).toMatch(/^alphintra_signal_delivery_latency_seconds_count\{channel="pubsub"\} 1$/m);
    expect(text).toMatch(/^alphintra_signal_delivery_latency_seconds_count\{channel="kafka"\} 1$/m);
    expect(series(text, 'alphintra_signals_total')).toEqual([
      `alphintra_signals_total{strategy="s1",symbol="XRPETH",action="${live.action}"} 1`,
    ]);
    expect(series(text, 'alphintra_outbox_depth')).toEqual([]);
  });
});
