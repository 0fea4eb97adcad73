import { readFileSync } from 'node:fs';
import { IDENTITY_EXTENSION, type Identity, IdentitySigner, IdentityVerifier } from '@alphintra/auth';
import type { BusRecord, EventBus } from '@alphintra/bus';
import type { StrategyDocument } from '@alphintra/core';
import { type Database, openDatabase, upsertInstruments } from '@alphintra/db';
import { EXAMPLE_MODEL, EXAMPLE_MODEL_CHECKSUM } from '@alphintra/engine';
import { modelChecksum } from '@alphintra/engine/onnx';
import type { RunningSubgraph } from '@alphintra/subgraph-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyServiceDeps } from './context.ts';
import { startStrategySubgraph } from './subgraph.ts';

interface Response {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string; problems?: unknown[] } }[];
}

const SECRET = 'a-test-secret-for-the-model-tests-0123456789';
const alice: Identity = { sub: 'alice', role: 'trader' };
const bob: Identity = { sub: 'bob', role: 'trader' };
const viewer: Identity = { sub: 'vera', role: 'viewer' };
const admin: Identity = { sub: 'root', role: 'admin' };

const exampleBytes = readFileSync(new URL('../../../fixtures/models/example-logreg.onnx', import.meta.url));
const example = {
  name: 'example-logreg',
  onnx: exampleBytes.toString('base64'),
  features: EXAMPLE_MODEL.features,
  outputs: [...EXAMPLE_MODEL.outputs],
  description: 'the example',
};

const REGISTER = `mutation ($input: RegisterModelInput!) {
  registerModel(input: $input) {
    model { id name owner visibility version versions { version checksum sizeBytes outputs features description } }
    version { version checksum sizeBytes }
  }
}`;

class NullBus implements EventBus {
  readonly kind = 'memory' as const;
  async ensureTopics() {}
  async produce(_topic: string, _records: readonly BusRecord[]) {}
  async consume(): Promise<never> {
    throw new Error('not used');
  }
  async close() {}
}

/** An AI_ML document reading `model` at `version` with `checksum`. */
function modelDocument(version: number, checksum: string, output = 'up'): StrategyDocument {
  return {
    version: 1,
    interval: '1m',
    indicators: {},
    rules: [{ id: 'up', side: 'BUY', when: { gt: [{ model: output }, 0.6] }, confidence: { model: 'up' } }],
    stopLoss: { percent: 1 },
    takeProfit: { percent: 2 },
    model: { name: 'alice-model', version, checksum },
  };
}

describe('models in the strategy subgraph', () => {
  let database: Database;
  let subgraph: RunningSubgraph;
  let small: RunningSubgraph;
  const signer = new IdentitySigner(SECRET);

  async function call(
    as: Identity,
    source: string,
    variables: Record<string, unknown> = {},
    url = subgraph.url,
  ): Promise<Response> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: source,
        variables,
        extensions: { [IDENTITY_EXTENSION]: await signer.sign(as) },
      }),
    });
    return (await response.json()) as Response;
  }
  const register = (as: Identity, input: Record<string, unknown>, url?: string) => call(as, REGISTER, { input }, url);
  function field<T>(response: Response, name: string): T {
    expect(response.data?.[name]).toBeDefined();
    return response.data?.[name] as T;
  }
  const errorOf = (response: Response) => {
    expect(response.data?.['registerModel'] ?? response.data?.['createStrategy'] ?? null).toBeNull();
    const [error] = response.errors ?? [];
    return { code: error?.extensions?.code, field: error?.extensions?.field, message: error?.message };
  };

  beforeAll(async () => {
    database = await openDatabase({});
    await upsertInstruments(database.db, [
      { symbol: 'XRPETH', baseAsset: 'XRP', quoteAsset: 'ETH', status: 'TRADING', source: 'replay' },
    ]);
    const deps: StrategyServiceDeps = { db: database.db, bus: new NullBus(), intervals: ['1m', '5m'] };
    const identity = new IdentityVerifier(SECRET);
    subgraph = await startStrategySubgraph(deps, { port: 0, identity });
    small = await startStrategySubgraph({ ...deps, maxModelBytes: 500 }, { port: 0, identity });
  });
  afterAll(async () => {
    await subgraph?.close();
    await small?.close();
    await database?.close();
  });

  it('stores a checked model as an immutable, checksummed version, and a new version under a name of yours', async () => {
    const first = await register(alice, { ...example, name: 'alice-model' });
    expect(first.errors).toBeUndefined();
    const checksum = modelChecksum(exampleBytes);
    expect(checksum).toBe(EXAMPLE_MODEL_CHECKSUM);
    expect(first.data?.['registerModel']).toMatchObject({
      model: { name: 'alice-model', owner: 'alice', visibility: 'PRIVATE', version: 1 },
      version: { version: 1, checksum, sizeBytes: exampleBytes.length },
    });
    const second = await register(alice, { ...example, name: 'alice-model', description: 'again' });
    expect(second.errors).toBeUndefined();
    const { model } = field<{ model: { version: number; versions: unknown[] } }>(second, 'registerModel');
    expect(model.version).toBe(2);
    expect(model.versions).toEqual([
      {
        version: 1,
        checksum,
        sizeBytes: exampleBytes.length,
        outputs: ['up', 'down'],
        features: EXAMPLE_MODEL.features,
        description: 'the example',
      },
      {
        version: 2,
        checksum,
        sizeBytes: exampleBytes.length,
        outputs: ['up', 'down'],
        features: EXAMPLE_MODEL.features,
        description: 'again',
      },
    ]);
    // Each registration wrote its audit record.
    const audit = await call(
      admin,
      `{ auditLog(filter: { operation: "registerModel", outcome: SUCCEEDED }) {
          edges { node { actor entityType entityVersion } } } }`,
    );
    expect(audit.errors).toBeUndefined();
    expect(audit.data?.['auditLog']).toEqual({
      edges: [
        { node: { actor: 'alice', entityType: 'model', entityVersion: 2 } },
        { node: { actor: 'alice', entityType: 'model', entityVersion: 1 } },
      ],
    });
  });

  it("keeps a private model to its owner and admins, and another user's name is theirs", async () => {
    const taken = await register(bob, { ...example, name: 'alice-model' });
    expect(errorOf(taken)).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    const forbidden = await call(bob, '{ model(name: "alice-model") { id } }');
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const names = async (as: Identity) => {
      const response = await call(as, '{ models(first: 100) { edges { node { name } } } }');
      expect(response.errors).toBeUndefined();
      const { edges } = field<{ edges: { node: { name: string } }[] }>(response, 'models');
      return edges.map((e) => e.node.name);
    };
    expect(await names(bob)).not.toContain('alice-model');
    expect(await names(alice)).toContain('alice-model');
    expect(await names(admin)).toContain('alice-model');
    const byViewer = await register(viewer, { ...example, name: 'vera-model' });
    expect(errorOf(byViewer)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    [
      'a model that does not load',
      { onnx: Buffer.from('not onnx at all').toString('base64') },
      'input.onnx',
      /^input\.onnx: the model does not load/,
    ],
    ['text that is not base64', { onnx: 'not base64!' }, 'input.onnx', /base64/],
    [
      'a model whose input shape does not match the features',
      { features: { ...EXAMPLE_MODEL.features, inputs: EXAMPLE_MODEL.features.inputs.slice(0, 3) } },
      'input.features',
      /input "features" has 4 columns but 3 features are declared/,
    ],
    [
      'a model whose output shape does not match the outputs',
      { outputs: ['up', 'down', 'flat'] },
      'input.outputs',
      /output "probabilities" has 2 columns but 3 outputs are declared/,
    ],
    [
      'features that name an unknown indicator',
      { features: { indicators: {}, inputs: [{ name: 'x', value: { ind: 'rsi' } }] } },
      'input.features/inputs/0/value/ind',
      /no indicator is named "rsi"/,
    ],
    ['outputs named twice', { outputs: ['up', 'up'] }, 'input.outputs', /unique/],
    ['a bad name', { name: '-x' }, 'input.name', /letters, digits/],
  ])('refuses %s with BAD_USER_INPUT', async (_case, change, field, message) => {
    const response = await register(alice, { ...example, name: 'refused', ...change });
    const error = errorOf(response);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
    expect((await call(admin, '{ model(name: "refused") { id } }')).data?.['model']).toBeNull();
  });

  it('refuses a model over the size cap before reading it', async () => {
    const response = await register(alice, { ...example, name: 'too-big' }, small.url);
    expect(errorOf(response)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.onnx',
      message: `input.onnx: the model is ${exampleBytes.length} bytes; at most 500 bytes are accepted`,
    });
  });

  it('creates an AI_ML strategy from a document pinning a model version, and refuses a wrong pin with its path', async () => {
    const checksum = modelChecksum(exampleBytes);
    const create = (as: Identity, document: unknown, extra: Record<string, unknown> = {}) =>
      call(
        as,
        `mutation ($input: CreateStrategyInput!) { createStrategy(input: $input) { strategy { id source document } } }`,
        { input: { name: `s-${Math.random()}`, symbols: ['XRPETH'], document, ...extra } },
      );
    const created = await create(alice, modelDocument(2, checksum));
    expect(created.errors).toBeUndefined();
    expect(created.data?.['createStrategy']).toMatchObject({ strategy: { source: 'AI_ML' } });

    const cases: [Identity, unknown, string, RegExp][] = [
      [alice, modelDocument(1, `sha256:${'0'.repeat(64)}`), 'input.document/model/checksum', /has the checksum/],
      [alice, modelDocument(3, checksum), 'input.document/model', /no model "alice-model" has a version 3/],
      [alice, modelDocument(1, checksum, 'sideways'), 'input.document/rules/0/when/gt/0/model', /has the outputs/],
      [bob, modelDocument(1, checksum), 'input.document/model/name', /belongs to another user/],
    ];
    for (const [as, document, field, message] of cases) {
      const error = errorOf(await create(as, document));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(error.message).toMatch(message);
    }
    const aiWithoutModel = await create(alice, undefined, { template: 'ema-crossover', source: 'AI_ML' });
    expect(errorOf(aiWithoutModel)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.source' });

    const validation = await call(
      alice,
      'query ($d: JSON!) { validateStrategy(document: $d) { valid problems { path } } }',
      {
        d: modelDocument(1, checksum, 'sideways'),
      },
    );
    expect(validation.data?.['validateStrategy']).toEqual({
      valid: false,
      problems: [{ path: '/rules/0/when/gt/0/model' }],
    });
  });

  it('starts the model-example template once the example model is registered', async () => {
    const before = await call(
      admin,
      `mutation { createStrategy(input: { name: "from-model-template", symbols: ["XRPETH"], template: "model-example" }) { strategy { id } } }`,
    );
    expect(errorOf(before)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.template' });
    expect((await register(admin, { ...example, visibility: 'PUBLIC' })).errors).toBeUndefined();
    const after = await call(
      alice,
      `mutation { createStrategy(input: { name: "from-model-template", symbols: ["XRPETH"], template: "model-example" }) { strategy { source } } }`,
    );
    expect(after.errors).toBeUndefined();
    expect(after.data?.['createStrategy']).toEqual({ strategy: { source: 'AI_ML' } });
  });
});
