import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost } from './cost.ts';

/** A schema with a connection (first), a list with a size (last), a plain list, a union and a mutation. */
const schema = buildSchema(`
  type Query {
    items(first: Int = 20): ItemConnection!
    series(last: Int): [Point!]!
    tags: [Tag!]!
    found: Found
  }
  type Mutation { touch(id: ID!): Item! }
  type ItemConnection { edges: [ItemEdge!]! }
  type ItemEdge { node: Item! }
  type Item { id: ID! tags: [Tag!]! children(first: Int): ItemConnection! }
  type Point { t: Int! }
  type Tag { name: String! }
  union Found = Item | Tag
`);

const cost = (query: string, variables: Record<string, unknown> = {}) =>
  operationCost(schema, parse(query), { variables, assumedListSize: 7 });

describe('operationCost', () => {
  it('counts each object a result can hold, by the page size asked for; scalars are free', () => {
    // items 1, its 5 edges, their 5 nodes.
    expect(cost('{ items(first: 5) { edges { node { id } } } }')).toBe(1 + 5 + 5);
    // The default `first` (20) when none is given.
    expect(cost('{ items { edges { node { id } } } }')).toBe(1 + 20 + 20);
    // A variable is read like a literal.
    expect(cost('query ($n: Int) { items(first: $n) { edges { node { id } } } }', { n: 3 })).toBe(1 + 3 + 3);
  });

  it('multiplies nested pages and lists without a size by the assumed size', () => {
    // items 1 + 2 edges + 2 nodes; per node a connection (2) holding 4 edges and 4 nodes each (2 x 4 = 8 + 8);
    // per node 7 tags (14).
    expect(
      cost('{ items(first: 2) { edges { node { children(first: 4) { edges { node { id } } } tags { name } } } } }'),
    ).toBe(1 + 2 + 2 + 2 + 8 + 8 + 14);
    // A list with `last` holds that many; one without a size, the assumed 7.
    expect(cost('{ series(last: 50) { t } tags { name } }')).toBe(50 + 7);
    expect(cost('{ series { t } }')).toBe(7);
  });

  it('counts a size above `largestSize` as `largestSize`', () => {
    const query = '{ series(last: 100000) { t } items(first: 9) { edges { node { id } } } }';
    expect(operationCost(schema, parse(query), { assumedListSize: 7, largestSize: 50 })).toBe(50 + 1 + 9 + 9);
    expect(cost(query)).toBe(100_000 + 1 + 9 + 9);
  });

  it('counts fragments, aliases and unions; a mutation costs 10 more', () => {
    expect(cost('{ a: tags { name } b: tags { ...T } } fragment T on Tag { name }')).toBe(7 + 7);
    expect(cost('{ found { ... on Item { tags { name } } } }')).toBe(1 + 7);
    expect(cost('mutation { touch(id: "1") { id } }')).toBe(10 + 1);
  });

  it('is null for an operation the document does not hold', () => {
    expect(
      operationCost(schema, parse('query A { tags { name } } query B { tags { name } }'), { assumedListSize: 1 }),
    ).toBeNull();
    expect(
      operationCost(schema, parse('query A { tags { name } } query B { series { t } }'), {
        operationName: 'B',
        assumedListSize: 3,
      }),
    ).toBe(3);
  });
});
