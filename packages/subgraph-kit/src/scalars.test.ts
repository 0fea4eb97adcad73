import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from './scalars.ts';

describe('DateTime', () => {
  it('writes epoch ms, dates and date strings as ISO 8601 in UTC with milliseconds', () => {
    const at = '2019-10-11T00:29:00.000Z';
    expect(DateTimeScalar.serialize(1570753740000)).toBe(at);
    expect(DateTimeScalar.serialize(1570753740000)).toBe(at);
    expect(DateTimeScalar.serialize(new Date(1570753740000))).toBe(at);
    expect(DateTimeScalar.serialize('2019-10-11T02:29:00+02:00')).toBe(at);
    expect(DateTimeScalar.serialize(-8.64e15)).toBe('-271821-04-20T00:00:00.000Z');
  });

  it('refuses what is no instant with a GraphQL error', () => {
    for (const value of [Number.NaN, 8.64e15 + 1, Number.POSITIVE_INFINITY, 'not a date']) {
      expect(() => DateTimeScalar.serialize(value)).toThrow(GraphQLError);
    }
  });
});
