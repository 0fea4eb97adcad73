import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier the file imports or re-exports, following relative ones through the package. */
function importsReachableFrom(file: string, seen = new Set<string>()): Set<string> {
  const specifiers = new Set<string>();
  if (seen.has(file)) return specifiers;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
    const specifier = match[1] ?? match[2];
    if (!specifier) continue;
    if (specifier.startsWith('.')) {
      for (const nested of importsReachableFrom(resolve(dirname(file), specifier), seen)) specifiers.add(nested);
    } else {
      specifiers.add(specifier);
    }
  }
  return specifiers;
}

describe('@alphintra/bus entry point', () => {
  it('loads no Kafka or Redis client, so the embedded default does not pull them in', () => {
    const external = importsReachableFrom(resolve(here, 'index.ts'));

    expect(external).toContain('graphql-subscriptions');
    for (const client of ['kafkajs', 'ioredis', 'graphql-redis-subscriptions']) expect(external).not.toContain(client);
  });
});
