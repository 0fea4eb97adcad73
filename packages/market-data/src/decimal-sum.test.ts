import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { DecimalSum, toScaled } from './decimal-sum.ts';

function sum(values: readonly string[]): string {
  const total = new DecimalSum();
  for (const value of values) total.add(toScaled(value));
  return total.toString();
}

function bigSum(values: readonly string[]): string {
  return values.reduce((total, value) => total.plus(value), new Big(0)).toFixed();
}

describe('DecimalSum', () => {
  it('adds decimals exactly where doubles do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sum(['0.1', '0.2'])).toBe('0.3');
    expect(sum(['0.00141342'])).toBe('0.00141342');
  });

  it('writes plain notation without trailing zeros', () => {
    expect(sum([])).toBe('0');
    expect(sum(['23.00000000', '54.00000000'])).toBe('77');
    expect(sum(['0.1', '0.9'])).toBe('1');
    expect(sum(['0.00000001'])).toBe('0.00000001');
    expect(sum(['100', '0.50'])).toBe('100.5');
  });

  it('stays exact past 2^53 by moving to bigint', () => {
    expect(sum(['9007199254740991', '1'])).toBe('9007199254740992');
    expect(sum(['12345678901234567890.123456789', '0.000000001'])).toBe('12345678901234567890.12345679');
    const values = ['99999999.99999999', '0.00000001', '123456789012.5', '0.000000000000000001', '7'];
    expect(sum(values)).toBe(bigSum(values));
  });

  it('agrees with big.js on many mixed-scale values', () => {
    const values: string[] = [];
    // Deterministic pseudo-random decimals with 0 to 10 fraction digits.
    let seed = 42;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const scale = seed % 11;
      const digits = String(seed).padStart(scale + 1, '0');
      values.push(scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
    }
    expect(sum(values)).toBe(bigSum(values));
  });
});
