import { readdirSync, readFileSync } from 'node:fs';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { buildSchema, type DocumentNode, Kind, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSED_FILES } from './compose.ts';
import { operationCost } from './cost.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { type RunningGateway, startGateway } from './server.ts';

const OPERATIONS = new URL('../../packages/client/operations/', import.meta.url);

/** Each operation of the typed client as a document of its own, with the fragments it may use. */
function clientOperations(): { name: string; document: DocumentNode }[] {
  const documents = readdirSync(OPERATIONS)
    .filter((file) => file.endsWith('.graphql'))
    // graphql-js counts tokens as the token limit does, and refuses a document over `maxTokens`.
    .map((file) => parse(readFileSync(new URL(file, OPERATIONS), 'utf8'), { maxTokens: DEFAULT_LIMITS.maxTokens }));
  const fragments = documents.flatMap((d) => d.definitions.filter((def) => def.kind === Kind.FRAGMENT_DEFINITION));
  return documents.flatMap((d) =>
    d.definitions.flatMap((def) => {
      if (def.kind !== Kind.OPERATION_DEFINITION) return [];
      const used = fragments.filter((f) => JSON.stringify(def).includes(`"value":"${f.name.value}"`));
      return [{ name: def.name?.value ?? '', document: { kind: Kind.DOCUMENT, definitions: [def, ...used] } }];
    }),
  );
}

describe('the default limits', () => {
  it('leave room for every operation of the typed client, at its default page sizes', () => {
    const schema = buildSchema(readFileSync(COMPOSED_FILES.api, 'utf8'));
    const operations = clientOperations();
    expect(operations.length).toBeGreaterThan(20);
    for (const { name, document } of operations) {
      const rules = [maxDepthRule({ n: DEFAULT_LIMITS.maxDepth }), maxAliasesRule({ n: DEFAULT_LIMITS.maxAliases })];
      expect(validate(schema, document, rules), name).toEqual([]);
      const cost = operationCost(schema, document, { assumedListSize: DEFAULT_LIMITS.assumedListSize });
      expect(cost, name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    }
  });
});

describe('a gateway started with limits: false (for benchmarks only)', () => {
  const gateways: { limited?: RunningGateway; unlimited?: RunningGateway } = {};
  // More tokens than the default limit allows (three per `aN: __typename`; graphql-armor lets aliases of
  // `__typename` through the alias limit), all answered by the gateway itself: no subgraph is needed.
  const aliases = Math.ceil(DEFAULT_LIMITS.maxTokens / 3) + 10;
  const query = `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: __typename`).join(' ')} }`;

  beforeAll(async () => {
    const options = { port: 0, host: '127.0.0.1', logging: false } as const;
    gateways.limited = await startGateway(options);
    gateways.unlimited = await startGateway({ ...options, limits: false });
  });
  afterAll(async () => {
    await gateways.limited?.close();
    await gateways.unlimited?.close();
  });

  const send = async (gateway: RunningGateway | undefined) => {
    const response = await fetch(gateway?.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as {
      data?: Record<string, string> | null;
      errors?: { extensions?: { code?: string } }[];
    };
  };

  it('serves what the default limits refuse', async () => {
    expect((await send(gateways.limited)).errors?.[0]?.extensions?.code).toBe('TOKEN_LIMIT_EXCEEDED');
    const served = await send(gateways.unlimited);
    expect(served.errors).toBeUndefined();
    expect(Object.keys(served.data ?? {})).toHaveLength(aliases);
  });
});
