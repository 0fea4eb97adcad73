import type { StrategyType } from '@alphintra/core';
import { createStrategy, type Db, listStrategies } from '@alphintra/db';
import { defaultParameters } from '@alphintra/engine';

/** The strategies a fresh platform starts with, one of each built-in type, active on the replayed symbol. */
export function defaultStrategies(symbol: string): { name: string; type: StrategyType }[] {
  return [
    { name: `${symbol} EMA 9/21 crossover`, type: 'EMA_CROSSOVER' },
    { name: `${symbol} RSI 14 reversion`, type: 'RSI_REVERSION' },
  ];
}

/** Creates the default strategies when the database has no strategy at all (a first start). */
export async function seedDefaultStrategies(db: Db, symbol: string): Promise<number> {
  const existing = await listStrategies(db, { first: 1 });
  if (existing.items.length > 0) return 0;
  for (const { name, type } of defaultStrategies(symbol)) {
    await createStrategy(db, {
      name,
      type,
      source: 'NO_CODE',
      symbols: [symbol],
      interval: '1m',
      parameters: defaultParameters(type),
      status: 'ACTIVE',
    });
  }
  return 2;
}
