import { readFileSync } from 'node:fs';
import { type StandardSignal, toStandardSignal } from '@alphintra/core';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadKlines } from './__fixtures__/klines.ts';
import { documentSpec, emaCrossDocument, emaSpec, rsiSpec } from './__fixtures__/specs.ts';
import { backtest } from './engine.ts';

const schema = JSON.parse(readFileSync(new URL('../../../schema/signal.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile<StandardSignal>(schema);

const signals = await backtest(
  [
    emaSpec(),
    rsiSpec(),
    documentSpec({ ...emaCrossDocument(3, 8), sizing: { quantity: 1e-7 } }, { id: 'fast-cross', mode: 'SHADOW' }),
  ],
  loadKlines(),
);
const sample = toStandardSignal(signals[0] as NonNullable<(typeof signals)[0]>);

function errorsOf(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('schema/signal.schema.json', () => {
  it('accepts every signal the engine produces, in the standard format', () => {
    expect(signals.length).toBeGreaterThan(100);
    const invalid = signals.map(toStandardSignal).filter((signal) => errorsOf(signal).length > 0);
    expect(invalid.map(errorsOf)).toEqual([]);
  });

  it('covers both sources, both actions, and null and sized quantities', () => {
    const standard = signals.map(toStandardSignal);
    expect(new Set(standard.map((signal) => signal.strategy_source))).toEqual(new Set(['no_code', 'ai_ml']));
    expect(new Set(standard.map((signal) => signal.action))).toEqual(new Set(['BUY', 'SELL']));
    expect(standard.some((signal) => signal.quantity === null)).toBe(true);
    expect(standard.some((signal) => signal.quantity === 1e-7)).toBe(true);
  });

  it('requires every key, null where unknown, and refuses extra ones', () => {
    const { quantity: _, ...withoutQuantity } = sample;
    expect(errorsOf(withoutQuantity)).toEqual([" must have required property 'quantity'"]);
    expect(errorsOf({ ...sample, quantity: null })).toEqual([]);
    expect(errorsOf({ ...sample, extra: 1 })).toEqual([' must NOT have additional properties']);
    expect(errorsOf({ ...sample, metadata: { ...sample.metadata, extra: 1 } })).toEqual([
      '/metadata must NOT have additional properties',
    ]);
  });

  it('checks enums, ranges and the timestamp format', () => {
    expect(errorsOf({ ...sample, action: 'HOLD' })).toHaveLength(1);
    expect(errorsOf({ ...sample, strategy_source: 'NO_CODE' })).toHaveLength(1);
    expect(errorsOf({ ...sample, confidence: 1.01 })).toHaveLength(1);
    expect(errorsOf({ ...sample, risk_score: -0.1 })).toHaveLength(1);
    expect(errorsOf({ ...sample, stop_loss: 0 })).toHaveLength(1);
    expect(errorsOf({ ...sample, strategy_version: 1.5 })).toHaveLength(1);
    expect(errorsOf({ ...sample, metadata: { ...sample.metadata, market_conditions: 'TRENDING_UP' } })).toHaveLength(1);
    expect(
      errorsOf({ ...sample, execution_params: { ...sample.execution_params, time_in_force: 'DAY' } }),
    ).toHaveLength(1);
    expect(errorsOf({ ...sample, timestamp: '2017-11-04T23:03:00Z' })).toHaveLength(1);
    expect(errorsOf({ ...sample, timestamp: '2017-11-04T23:03:00.000+01:00' })).toHaveLength(1);
    expect(errorsOf({ ...sample, signal_id: 'not-a-uuid' }).length).toBeGreaterThan(0);
  });

  it('accepts prices as small as 1e-8', () => {
    expect(errorsOf({ ...sample, price_target: 1e-8, stop_loss: 1e-8, take_profit: 2e-8 })).toEqual([]);
  });
});
