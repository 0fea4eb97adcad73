import { readFileSync } from 'node:fs';
import { type Candle, INTERVALS, type Interval, type StandardSignalOutcome, toStandardOutcome } from '@alphintra/core';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadKlines } from './__fixtures__/klines.ts';
import { emaSpec, rsiSpec } from './__fixtures__/specs.ts';
import { backtest } from './engine.ts';
import { type FollowedSignal, followSignal } from './outcome.ts';

const schema = JSON.parse(readFileSync(new URL('../../../schema/signal-outcome.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile<StandardSignalOutcome>(schema);

function errorsOf(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

/** The JSON block after `<!-- outcome-vector:<name> -->` in docs/contract.md. */
function contractBlock(name: string): unknown {
  const text = readFileSync(new URL('../../../docs/contract.md', import.meta.url), 'utf8');
  const marker = text.indexOf(`<!-- outcome-vector:${name} -->`);
  if (marker < 0) throw new Error(`docs/contract.md has no outcome-vector:${name} block`);
  const start = text.indexOf('```json\n', marker) + '```json\n'.length;
  return JSON.parse(text.slice(start, text.indexOf('```', start)));
}

interface VectorInput {
  signal: {
    signal_id: string;
    timestamp: string;
    strategy_id: string;
    strategy_version: number;
    symbol: string;
    action: 'BUY' | 'SELL';
    price_target: string;
    stop_loss: string;
    take_profit: string;
    expires_at: string;
  };
  candles: { interval: Interval; open_time: string; open: string; high: string; low: string; close: string }[];
}

describe('the signal outcome test vector (docs/contract.md)', () => {
  it('is what followSignal and the standard format give, and fits schema/signal-outcome.schema.json', () => {
    const { signal: s, candles } = contractBlock('input') as VectorInput;
    const signal: FollowedSignal = {
      id: s.signal_id,
      timestamp: Date.parse(s.timestamp),
      strategyId: s.strategy_id,
      strategyVersion: s.strategy_version,
      symbol: s.symbol,
      action: s.action,
      priceTarget: s.price_target,
      stopLoss: s.stop_loss,
      takeProfit: s.take_profit,
      expiresAt: Date.parse(s.expires_at),
    };
    const series: Candle[] = candles.map((c) => ({
      symbol: s.symbol,
      interval: c.interval,
      openTime: Date.parse(c.open_time),
      closeTime: Date.parse(c.open_time) + INTERVALS[c.interval],
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      volume: '1',
      trades: 1,
      source: 'replay',
      complete: true,
      lastTradeTime: Date.parse(c.open_time),
    }));
    const record = contractBlock('record');
    expect(toStandardOutcome(followSignal(signal, series))).toEqual(record);
    expect(errorsOf(record)).toEqual([]);
    // The stated return, from its definition.
    expect((record as StandardSignalOutcome).return_pct).toBe(((0.00141156 - 0.00141495) / 0.00141495) * 100);
  });
});

describe('schema/signal-outcome.schema.json', () => {
  const candles = loadKlines();
  const outcomes = backtest([emaSpec(), rsiSpec()], candles).map((signal) => followSignal(signal, candles));
  const closed = outcomes.filter((o) => o.status !== 'OPEN').map(toStandardOutcome);

  it('accepts every closed outcome of a backtest, of every status', () => {
    expect(new Set(closed.map((o) => o.status))).toEqual(new Set(['TAKE_PROFIT', 'STOP_LOSS', 'EXPIRED']));
    expect(closed.map(errorsOf).filter((errors) => errors.length > 0)).toEqual([]);
  });

  it('refuses an OPEN outcome, a missing key and a price that is not a number', () => {
    const [sample] = closed;
    if (sample === undefined) throw new Error('no closed outcome');
    expect(errorsOf({ ...sample, status: 'OPEN' })).not.toEqual([]);
    const { return_pct: _dropped, ...incomplete } = sample;
    expect(errorsOf(incomplete)).not.toEqual([]);
    expect(errorsOf({ ...sample, exit_price: '0.1' })).not.toEqual([]);
  });
});
