import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ACCESS_RULES } from './access.ts';
import { ROLES } from './identity.ts';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Every `Type.field` of the composed supergraph's root types, read from its SDL. */
function supergraphRootFields(): string[] {
  const sdl = readFileSync(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
  const fields: string[] = [];
  for (const definition of parse(sdl).definitions) {
    if (
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      ROOT_TYPES.has(definition.name.value)
    ) {
      for (const field of definition.fields ?? []) fields.push(`${definition.name.value}.${field.name.value}`);
    }
  }
  return fields.sort();
}

describe('ACCESS_RULES', () => {
  it('names every root field of the composed supergraph, and nothing else', () => {
    const fields = supergraphRootFields();
    // The walk itself must see the API: these fields are known to exist.
    expect(fields).toEqual(
      expect.arrayContaining(['Query.strategies', 'Mutation.createStrategy', 'Subscription.signals', 'Query.auditLog']),
    );
    expect(fields.filter((field) => ACCESS_RULES[field] === undefined)).toEqual([]);
    expect(Object.keys(ACCESS_RULES).filter((field) => !fields.includes(field))).toEqual([]);
  });

  it('gives every mutation an audited entity type, and every rule a known role', () => {
    for (const [field, rule] of Object.entries(ACCESS_RULES)) {
      expect(ROLES, field).toContain(rule.role);
      if (field.startsWith('Mutation.')) expect(rule.entity, field).toMatch(/^[a-zA-Z]+$/);
    }
  });

  it('lets no one but an admin read the audit log, and no viewer change a strategy or webhook', () => {
    expect(ACCESS_RULES['Query.auditLog']?.role).toBe('admin');
    const changes = Object.entries(ACCESS_RULES).filter(
      ([field, rule]) => field.startsWith('Mutation.') && rule.entity !== 'apiKey',
    );
    expect(changes.length).toBeGreaterThan(10);
    for (const [field, rule] of changes) expect(rule.role, field).not.toBe('viewer');
  });
});
