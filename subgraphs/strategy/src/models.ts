import { MODEL_LIMITS, type ModelFeatures } from '@alphintra/core';
import { validateModelFeatures } from '@alphintra/engine';
import { loadOnnxModel, ModelCheckError, modelChecksum } from '@alphintra/engine/onnx';
import { badInput, problemsError } from '@alphintra/subgraph-kit';
import type { RegisterModelInput } from './__generated__/resolvers.ts';
import type { StrategyServiceDeps } from './context.ts';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const OUTPUT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_DESCRIPTION = 500;

/** A `registerModel` input, checked: the model loads and matches what it declares. */
export interface ValidModel {
  readonly name: string;
  readonly onnx: Uint8Array;
  readonly checksum: string;
  readonly features: ModelFeatures;
  readonly outputs: readonly string[];
  readonly description: string | null;
}

/**
 * Checks a `registerModel` input; throws BAD_USER_INPUT naming the field at fault: the name, the size cap (before
 * decoding), the features (every problem with its path), the outputs, and then the model itself with onnxruntime
 * (it loads, its shapes match the features and outputs, a dry run on zeros answers).
 */
export async function validateRegisterModel(deps: StrategyServiceDeps, input: RegisterModelInput): Promise<ValidModel> {
  const name = input.name.trim();
  if (!MODEL_NAME.test(name)) {
    throw badInput('input.name', 'must be 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit');
  }
  const description = input.description?.trim() || null;
  if (description !== null && description.length > MAX_DESCRIPTION) {
    throw badInput('input.description', `must be at most ${MAX_DESCRIPTION} characters`);
  }
  const cap = deps.maxModelBytes ?? MODEL_LIMITS.maxBytes;
  const text = input.onnx.replace(/\s+/g, '');
  const size = Math.floor((text.length * 3) / 4) - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (size > cap) throw badInput('input.onnx', `the model is ${size} bytes; at most ${cap} bytes are accepted`);
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw badInput('input.onnx', 'must be the ONNX file in base64');
  }
  const problems = validateModelFeatures(
    input.features,
    deps.maxPeriod === undefined ? {} : { maxPeriod: deps.maxPeriod },
  );
  if (problems.length > 0) throw problemsError('input.features', problems);
  const features = input.features as ModelFeatures;
  const outputs = input.outputs.map((output) => output.trim());
  if (outputs.length === 0 || outputs.length > MODEL_LIMITS.maxOutputs) {
    throw badInput('input.outputs', `give 1 to ${MODEL_LIMITS.maxOutputs} output names`);
  }
  const badName = outputs.find((output) => !OUTPUT_NAME.test(output));
  if (badName !== undefined) {
    throw badInput(
      'input.outputs',
      `"${badName}" is not a valid name: a letter followed by up to 31 letters, digits or underscores`,
    );
  }
  if (new Set(outputs).size !== outputs.length) throw badInput('input.outputs', 'output names must be unique');

  const onnx = new Uint8Array(Buffer.from(text, 'base64'));
  const checksum = modelChecksum(onnx);
  try {
    const loaded = await loadOnnxModel(onnx, { name, version: 1, checksum, features, outputs });
    await loaded.release();
  } catch (error) {
    if (error instanceof ModelCheckError) throw badInput(`input.${error.part}`, error.message);
    throw error;
  }
  return { name, onnx, checksum, features, outputs, description };
}
