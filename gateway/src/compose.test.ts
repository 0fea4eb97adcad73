import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPOSED_FILES, compose } from './compose.ts';
import { variableErrorField } from './errors.ts';
import { withSubgraphUrls } from './urls.ts';

describe('the composed schema', () => {
  it('is up to date with the subgraphs (run `pnpm compose` when this fails)', () => {
    const fresh = compose();
    expect(readFileSync(COMPOSED_FILES.supergraph, 'utf8')).toBe(fresh.supergraph);
    expect(readFileSync(COMPOSED_FILES.api, 'utf8')).toBe(fresh.api);
  });

  it('lets the signal subgraph provide the strategy fields a signal carries', () => {
    const { supergraph } = compose();
    expect(supergraph).toMatch(/strategy: Strategy! @join__field\(graph: SIGNAL, provides: "name version"\)/);
  });

  it('can point the subgraphs at other URLs', () => {
    const moved = withSubgraphUrls(compose().supergraph, { signal: 'http://10.0.0.7:9000/graphql' });
    expect(moved).toContain('@join__graph(name: "signal", url: "http://10.0.0.7:9000/graphql")');
    expect(moved).toContain('@join__graph(name: "strategy", url: "http://localhost:4001/graphql")');
  });
});

describe('variable errors', () => {
  it('name the input field at fault', () => {
    expect(
      variableErrorField(
        'Variable "$input" got invalid value "MOON" at "input.type"; Value "MOON" does not exist in "StrategyType" enum.',
      ),
    ).toBe('input.type');
    expect(variableErrorField('Variable "$id" of required type "ID!" was not provided.')).toBe('id');
    expect(variableErrorField('Cannot query field "nope" on type "Query".')).toBeUndefined();
  });
});
