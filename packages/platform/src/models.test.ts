import type { StrategySpec } from '@alphintra/core';
import { type Database, getModelByName, openDatabase } from '@alphintra/db';
import { EXAMPLE_MODEL_CHECKSUM, templateById } from '@alphintra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModels, registerExampleModel } from './models.ts';

function specPinning(version: number, checksum = EXAMPLE_MODEL_CHECKSUM): StrategySpec {
  const document = templateById('model-example')?.document;
  if (document?.model === undefined) throw new Error('no model-example template');
  return {
    id: `spec-${version}`,
    name: 'model',
    version: 1,
    source: 'AI_ML',
    symbols: ['XRPETH'],
    interval: '1m',
    document: { ...document, model: { ...document.model, version, checksum } },
    status: 'ACTIVE',
    mode: 'LIVE',
    activatedAt: null,
  };
}

describe('the platform and its models', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({});
  });
  afterAll(async () => {
    await database?.close();
  });

  it('registers the example model once, public and owned by the platform', async () => {
    expect(await registerExampleModel(database.db)).toBe(true);
    expect(await registerExampleModel(database.db)).toBe(false);
    expect(await getModelByName(database.db, 'example-logreg')).toMatchObject({
      owner: 'system',
      visibility: 'PUBLIC',
      currentVersion: 1,
    });
  });

  it('loads the versions documents pin from the database, reuses loaded ones, and reports the missing', async () => {
    const problems: string[] = [];
    const first = await loadModels(database.db, [specPinning(1)], new Map(), (message) => problems.push(message));
    const model = first.get('example-logreg@1');
    expect(model?.checksum).toBe(EXAMPLE_MODEL_CHECKSUM);
    // The stored bytes answer like the file: P(up) + P(down) = 1 on any row.
    const [up = 0, down = 0] = (await model?.run(new Float32Array([0.1, -0.2, 0.3, 0.05]), 1)) ?? [];
    expect(up + down).toBeCloseTo(1, 6);

    const again = await loadModels(database.db, [specPinning(1), specPinning(2)], first, (message) =>
      problems.push(message),
    );
    expect(again.get('example-logreg@1')).toBe(model);
    expect(again.has('example-logreg@2')).toBe(false);
    expect(problems).toEqual(['model example-logreg@2 is not registered']);
    await model?.release();
  });
});
