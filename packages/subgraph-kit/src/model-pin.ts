import type { Identity } from '@alphintra/auth';
import type { DocumentProblem, ModelDefinition } from '@alphintra/core';
import { type Db, getModelVersion } from '@alphintra/db';
import { mayRead } from './access.ts';

/**
 * The model version a document pins, looked up for its validation: the definition when the caller may read it and
 * the checksum matches, else the problem (with its path) saying why not.
 */
export async function checkModelPin(
  db: Db,
  identity: Identity,
  document: unknown,
): Promise<{ model?: ModelDefinition; problem?: DocumentProblem }> {
  const pin = typeof document === 'object' && document !== null ? (document as { model?: unknown }).model : undefined;
  if (typeof pin !== 'object' || pin === null) return {};
  const { name, version, checksum } = pin as { name?: unknown; version?: unknown; checksum?: unknown };
  if (typeof name !== 'string' || typeof version !== 'number' || typeof checksum !== 'string') return {};
  const found = await getModelVersion(db, name, version);
  if (found === null) {
    return { problem: { path: '/model', message: `no model "${name}" has a version ${version} (see Query.models)` } };
  }
  if (!mayRead(identity, found)) {
    return { problem: { path: '/model/name', message: `model "${name}" belongs to another user and is private` } };
  }
  if (found.checksum !== checksum) {
    return {
      problem: {
        path: '/model/checksum',
        message: `model "${name}" v${version} has the checksum ${found.checksum}, not ${checksum}`,
      },
    };
  }
  return { model: { name, version, checksum, features: found.features, outputs: found.outputs } };
}
