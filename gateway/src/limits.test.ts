import { readdirSync, readFileSync } from 'node:fs';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { buildSchema, type DocumentNode, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { COMPOSED_FILES } from './compose.ts';
import { operationCost } from './cost.ts';
import { DEFAULT_LIMITS } from './limits.ts';

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
