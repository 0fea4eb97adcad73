import { type Interval, isInterval, type StrategyParameters, type StrategyType } from '@alphintra/core';
import { getInstrument } from '@alphintra/db';
import { defaultParameters, validateStrategyParameters } from '@alphintra/engine';
import { badInput } from '@alphintra/subgraph-kit';
import type { CreateStrategyInput } from './__generated__/resolvers.ts';
import type { StrategyServiceDeps } from './context.ts';

/** A create input, checked and normalized: symbols upper-cased, parameter defaults filled in. */
export interface ValidCreateInput {
  readonly name: string;
  readonly type: StrategyType;
  readonly symbols: string[];
  readonly interval: Interval;
  readonly parameters: StrategyParameters;
}

/**
 * Checks a `createStrategy` input; throws BAD_USER_INPUT naming the first field at fault. Symbols must be
 * instruments the market data source lists as trading (the `instruments` table it keeps).
 */
export async function validateCreateInput(
  deps: StrategyServiceDeps,
  input: CreateStrategyInput,
): Promise<ValidCreateInput> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw badInput('input.name', 'must be 1 to 100 characters');
  if (input.symbols.length === 0) throw badInput('input.symbols', 'give at least one symbol');
  const symbols = [...new Set(input.symbols.map((s) => s.trim().toUpperCase()))];
  for (const symbol of symbols) {
    const instrument = await getInstrument(deps.db, symbol);
    if (instrument === undefined) {
      throw badInput(
        'input.symbols',
        `unknown symbol "${symbol}": the market data source does not list it (see Query.instruments)`,
      );
    }
    if (instrument.status !== 'TRADING') {
      throw badInput('input.symbols', `symbol "${symbol}" is not trading now (status ${instrument.status})`);
    }
  }
  const interval = input.interval ?? '1m';
  if (!isInterval(interval) || !deps.intervals.includes(interval)) {
    throw badInput('input.interval', `unsupported interval "${interval}"; supported: ${deps.intervals.join(', ')}`);
  }
  const overrides: Record<string, number> = {};
  for (const { name: key, value } of input.parameters ?? []) {
    if (Object.hasOwn(overrides, key)) throw badInput(`input.parameters.${key}`, 'given more than once');
    overrides[key] = value;
  }
  const parameters = { ...defaultParameters(input.type), ...overrides };
  const [problem] = validateStrategyParameters(input.type, parameters);
  if (problem) throw badInput(`input.parameters.${problem.field}`, problem.message);
  return { name, type: input.type, symbols, interval, parameters };
}
