import { createHash } from 'node:crypto';
import type { ModelDefinition } from '@alphintra/core';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type LoadedModel, modelKey } from './model.ts';

/** Why a model was refused, and which part of the registration is at fault. */
export class ModelCheckError extends Error {
  constructor(
    /** `onnx`, `features` or `outputs`. */
    readonly part: 'onnx' | 'features' | 'outputs',
    message: string,
  ) {
    super(message);
  }
}

/** The checksum a model version is pinned by: `sha256:<hex>` of its ONNX bytes. */
export function modelChecksum(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Single-threaded sessions: a model's answer for a row is then computed the same way on every run, and the engine
 * batches rows rather than threads.
 */
const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  logSeverityLevel: 3,
};

/**
 * Loads ONNX bytes with onnxruntime (in process, CPU) and checks them against what the model is declared to read
 * and give: exactly one float input of shape [batch, inputs] and one float output of shape [batch, outputs], the
 * batch a named dimension, and a dry run on a row of zeros answering with that many finite numbers. Throws
 * `ModelCheckError` saying what does not match.
 */
export async function loadOnnxModel(bytes: Uint8Array, definition: ModelDefinition): Promise<LoadedModel> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (error) {
    throw new ModelCheckError('onnx', `the model does not load: ${firstLine(error)}`);
  }
  const features = definition.features.inputs.length;
  const outputs = definition.outputs.length;
  try {
    checkShape(session.inputMetadata, 'input', features, 'features', 'features');
    checkShape(session.outputMetadata, 'output', outputs, 'outputs', 'outputs');
  } catch (error) {
    await session.release();
    throw error;
  }
  const inputName = session.inputNames[0] as string;
  const outputName = session.outputNames[0] as string;
  const run = async (rows: Float32Array, count: number): Promise<Float32Array> => {
    const result = await session.run({ [inputName]: new Tensor('float32', rows, [count, features]) });
    const tensor = result[outputName];
    if (tensor === undefined || !(tensor.data instanceof Float32Array) || tensor.data.length !== count * outputs) {
      throw new Error(`model ${definition.name} v${definition.version} answered ${count} rows with the wrong shape`);
    }
    return tensor.data;
  };
  let dry: Float32Array;
  try {
    dry = await run(new Float32Array(features), 1);
  } catch (error) {
    await session.release();
    throw new ModelCheckError('onnx', `a dry run on a row of zeros failed: ${firstLine(error)}`);
  }
  if (!dry.every(Number.isFinite)) {
    await session.release();
    throw new ModelCheckError('onnx', 'a dry run on a row of zeros answered a value that is not a finite number');
  }
  return { ...definition, run, release: () => session.release() };
}

/** A model version's ONNX bytes with what it was registered as: what a backtest worker is handed. */
export interface ModelFile {
  readonly definition: ModelDefinition;
  readonly onnx: Uint8Array;
}

/**
 * Loads model files into onnxruntime, by `modelKey`: what an engine or a backtest session is given. Throws when a
 * file's bytes do not have the checksum its definition pins, or it does not load.
 */
export async function loadModelFiles(files: readonly ModelFile[]): Promise<Map<string, LoadedModel>> {
  const loaded = new Map<string, LoadedModel>();
  try {
    for (const { definition, onnx } of files) {
      const key = modelKey(definition);
      if (modelChecksum(onnx) !== definition.checksum) {
        throw new Error(`model ${key}: its stored bytes do not have its checksum ${definition.checksum}`);
      }
      loaded.set(key, await loadOnnxModel(onnx, definition));
    }
  } catch (error) {
    await Promise.all([...loaded.values()].map((model) => model.release()));
    throw error;
  }
  return loaded;
}

function checkShape(
  metadata: readonly InferenceSession.ValueMetadata[],
  kind: 'input' | 'output',
  columns: number,
  declared: string,
  part: 'features' | 'outputs',
): void {
  if (metadata.length !== 1) {
    throw new ModelCheckError('onnx', `the model has ${metadata.length} ${kind}s; it must have exactly one`);
  }
  const value = metadata[0] as InferenceSession.ValueMetadata;
  if (!value.isTensor || value.type !== 'float32') {
    throw new ModelCheckError('onnx', `the model's ${kind} "${value.name}" must be a float32 tensor`);
  }
  const shape = value.shape;
  if (shape.length !== 2 || typeof shape[0] === 'number') {
    throw new ModelCheckError(
      'onnx',
      `the model's ${kind} "${value.name}" has shape [${shape.join(', ')}]; it must be [batch, ${columns}] with a named batch dimension`,
    );
  }
  if (shape[1] !== columns) {
    throw new ModelCheckError(
      part,
      `the model's ${kind} "${value.name}" has ${String(shape[1])} columns but ${columns} ${declared} are declared`,
    );
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 300);
}
