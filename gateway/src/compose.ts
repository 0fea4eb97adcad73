import { readFileSync } from 'node:fs';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

/** The subgraphs: name, SDL file under `schema/`, and the URL the committed supergraph routes to. */
export const SUBGRAPHS = [
  { name: 'strategy', file: 'strategy.graphql', url: 'http://localhost:4001/graphql' },
  { name: 'market-data', file: 'market-data.graphql', url: 'http://localhost:4002/graphql' },
  { name: 'signal', file: 'signal.graphql', url: 'http://localhost:4003/graphql' },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

const schemaDir = new URL('../../schema/', import.meta.url);

/** Reads a subgraph's SDL from `schema/`. */
export function subgraphSdl(name: SubgraphName): string {
  const entry = SUBGRAPHS.find((s) => s.name === name);
  if (!entry) throw new Error(`unknown subgraph ${name}`);
  return readFileSync(new URL(entry.file, schemaDir), 'utf8');
}

/**
 * Composes the subgraphs' SDL into the supergraph (what the gateway runs) and the public API schema (what
 * clients see, used for the typed client); throws with every composition error.
 */
export function compose(): { supergraph: string; api: string } {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(subgraphSdl(s.name)) })),
  );
  if (result.errors?.length) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  if (!result.supergraphSdl || !result.publicSdl) throw new Error('composition produced no supergraph');
  return { supergraph: `${result.supergraphSdl.trim()}\n`, api: `${result.publicSdl.trim()}\n` };
}

/** Where `pnpm compose` writes the supergraph and the public API schema. */
export const COMPOSED_FILES = {
  supergraph: new URL('supergraph.graphql', schemaDir),
  api: new URL('api.graphql', schemaDir),
} as const;

/** Reads the committed supergraph SDL. */
export function readSupergraph(): string {
  return readFileSync(COMPOSED_FILES.supergraph, 'utf8');
}
