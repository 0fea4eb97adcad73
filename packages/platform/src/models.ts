import { readFileSync } from 'node:fs';
import { SYSTEM_OWNER } from '@alphintra/auth';
import type { StrategySpec } from '@alphintra/core';
import { addModelVersion, type Db, getModelByName, loadStoredModels } from '@alphintra/db';
import { EXAMPLE_MODEL, type LoadedModel, modelKey } from '@alphintra/engine';
import { loadOnnxModel, modelChecksum } from '@alphintra/engine/onnx';

/** The example model's ONNX file, made by `pnpm train:example`. */
export const EXAMPLE_MODEL_FILE = new URL('../../../fixtures/models/example-logreg.onnx', import.meta.url);

/**
 * Registers the example model (version 1 of `example-logreg`, public, owned by `system`) unless a model of that
 * name exists; true when it did.
 */
export async function registerExampleModel(db: Db): Promise<boolean> {
  const onnx = new Uint8Array(readFileSync(EXAMPLE_MODEL_FILE));
  return db.transaction(async (tx) => {
    if ((await getModelByName(tx, EXAMPLE_MODEL.name, { forUpdate: true })) !== null) return false;
    await addModelVersion(tx, {
      existing: null,
      name: EXAMPLE_MODEL.name,
      owner: SYSTEM_OWNER,
      visibility: 'PUBLIC',
      onnx,
      checksum: modelChecksum(onnx),
      features: EXAMPLE_MODEL.features,
      outputs: EXAMPLE_MODEL.outputs,
      description: EXAMPLE_MODEL.description,
    });
    return true;
  });
}

/**
 * The model versions the specs' documents pin, loaded from the database into onnxruntime, by `modelKey`. Models
 * already in `loaded` (with the same checksum) are reused. A version that is missing, whose stored bytes do not
 * have the pinned checksum, or that does not load is left out (its strategies are then not run) and reported.
 */
export async function loadModels(
  db: Db,
  specs: readonly StrategySpec[],
  loaded: ReadonlyMap<string, LoadedModel> = new Map(),
  onProblem: (message: string, error?: unknown) => void = () => {},
): Promise<Map<string, LoadedModel>> {
  const pins = new Map<string, NonNullable<StrategySpec['document']['model']>>();
  for (const spec of specs) if (spec.document.model) pins.set(modelKey(spec.document.model), spec.document.model);
  const result = new Map<string, LoadedModel>();
  const missing = [...pins].filter(([key, pin]) => {
    const known = loaded.get(key);
    if (known !== undefined && known.checksum === pin.checksum) result.set(key, known);
    return !result.has(key);
  });
  if (missing.length === 0) return result;
  for (const stored of await loadStoredModels(
    db,
    missing.map(([, pin]) => pin),
  )) {
    const key = modelKey(stored.definition);
    if (modelChecksum(stored.onnx) !== stored.definition.checksum) {
      onProblem(`model ${key}: its stored bytes do not have its checksum`);
      continue;
    }
    try {
      result.set(key, await loadOnnxModel(stored.onnx, stored.definition));
    } catch (error) {
      onProblem(`model ${key} does not load`, error);
    }
  }
  for (const [key] of missing) if (!result.has(key)) onProblem(`model ${key} is not registered`);
  return result;
}
