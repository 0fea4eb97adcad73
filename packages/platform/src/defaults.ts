import { createStrategy, type Db, listStrategies } from '@alphintra/db';
import { templateById } from '@alphintra/engine';

/** The templates a fresh platform runs on the replayed symbol: an EMA 9/21 crossover and an RSI 14 reversion. */
export const DEFAULT_TEMPLATES = [
  { template: 'ema-crossover', name: 'EMA 9/21 crossover' },
  { template: 'rsi-reversion', name: 'RSI 14 reversion' },
] as const;

/** The `AI_ML` template `pnpm start` also runs: the example model (registered by the platform at start). */
export const MODEL_TEMPLATE = { template: 'model-example', name: 'example model' } as const;

/**
 * Creates and runs the default strategies when the database has no strategy at all (a first start); with
 * `withModel`, the example model's strategy too.
 */
export async function seedDefaultStrategies(
  db: Db,
  symbol: string,
  options: { readonly withModel?: boolean } = {},
): Promise<number> {
  const existing = await listStrategies(db, { first: 1 });
  if (existing.items.length > 0) return 0;
  const templates = options.withModel ? [...DEFAULT_TEMPLATES, MODEL_TEMPLATE] : DEFAULT_TEMPLATES;
  for (const { template, name } of templates) {
    const found = templateById(template);
    if (found === undefined) throw new Error(`no strategy template "${template}"`);
    await createStrategy(db, {
      name: `${symbol} ${name}`,
      source: found.document.model === undefined ? 'NO_CODE' : 'AI_ML',
      symbols: [symbol],
      document: found.document,
      changeNote: `from the ${template} template`,
      run: { mode: 'LIVE' },
    });
  }
  return templates.length;
}
