import { createStrategy, type Db, listStrategies } from '@alphintra/db';
import { templateById } from '@alphintra/engine';

/** The templates a fresh platform runs on the replayed symbol: an EMA 9/21 crossover and an RSI 14 reversion. */
export const DEFAULT_TEMPLATES = [
  { template: 'ema-crossover', name: 'EMA 9/21 crossover' },
  { template: 'rsi-reversion', name: 'RSI 14 reversion' },
] as const;

/** Creates and runs the default strategies when the database has no strategy at all (a first start). */
export async function seedDefaultStrategies(db: Db, symbol: string): Promise<number> {
  const existing = await listStrategies(db, { first: 1 });
  if (existing.items.length > 0) return 0;
  for (const { template, name } of DEFAULT_TEMPLATES) {
    const found = templateById(template);
    if (found === undefined) throw new Error(`no strategy template "${template}"`);
    await createStrategy(db, {
      name: `${symbol} ${name}`,
      source: 'NO_CODE',
      symbols: [symbol],
      document: found.document,
      changeNote: `from the ${template} template`,
      run: { mode: 'LIVE' },
    });
  }
  return DEFAULT_TEMPLATES.length;
}
