import { DEVELOPMENT_IDENTITY, type Identity } from '@alphintra/auth';
import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { guardResolvers, mayChange, mayRead, readerOf } from './access.ts';

const viewer: Identity = { sub: 'vic', role: 'viewer' };
const trader: Identity = { sub: 'tara', role: 'trader' };

describe('guardResolvers', () => {
  it('refuses to start a subgraph with a root field that has no access rule', () => {
    const resolvers = { Query: { strategies: () => [], secretBackdoor: () => 'open' } };
    expect(() => guardResolvers('test', resolvers, undefined, () => {})).toThrow(
      'test subgraph: Query.secretBackdoor has no entry in ACCESS_RULES',
    );
  });

  it("enforces the rule's role before the resolver runs, for queries and subscriptions", async () => {
    let ran = 0;
    const guarded = guardResolvers(
      'test',
      {
        Query: { webhooks: () => ++ran },
        Subscription: { signals: { subscribe: () => ++ran } },
      },
      undefined,
      () => {},
    );
    const webhooks = (guarded['Query'] as Record<string, (...args: unknown[]) => unknown>)['webhooks'];
    const signals = (guarded['Subscription'] as Record<string, { subscribe: (...args: unknown[]) => unknown }>)[
      'signals'
    ];
    const refusal = (() => {
      try {
        webhooks?.({}, {}, { identity: viewer }, {});
      } catch (error) {
        return error as GraphQLError;
      }
      return undefined;
    })();
    expect(refusal?.extensions['code']).toBe('FORBIDDEN');
    expect(refusal?.message).toBe("Query.webhooks needs the trader role or above; the caller's role is viewer");
    expect(ran).toBe(0);
    expect(webhooks?.({}, {}, { identity: trader }, {})).toBe(1);
    expect(signals?.subscribe({}, {}, { identity: viewer }, {})).toBe(2);
  });

  it('refuses a subgraph with mutations but no database for their audit records', () => {
    expect(() => guardResolvers('test', { Mutation: { createStrategy: () => null } }, undefined, () => {})).toThrow(
      /need a database for their audit records/,
    );
  });
});

describe('ownership', () => {
  it('lets owners and admins change, and anyone read what is public', () => {
    expect(mayChange(trader, 'tara')).toBe(true);
    expect(mayChange(trader, 'someone')).toBe(false);
    expect(mayChange(DEVELOPMENT_IDENTITY, 'someone')).toBe(true);
    expect(mayRead(viewer, { owner: 'tara', visibility: 'PRIVATE' })).toBe(false);
    expect(mayRead(viewer, { owner: 'tara', visibility: 'PUBLIC' })).toBe(true);
    expect(mayRead(trader, { owner: 'tara', visibility: 'PRIVATE' })).toBe(true);
    expect(readerOf(trader)).toBe('tara');
    expect(readerOf(DEVELOPMENT_IDENTITY)).toBeUndefined();
  });
});
