import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from './scalars.ts';
import { unstorableTextError, unstorableTextPath } from './text.ts';

describe('text PostgreSQL cannot store', () => {
  it('finds the NUL character and unpaired surrogates, in values and in keys', () => {
    expect(unstorableTextPath({ a: ['ok', 'é 💥'] }, 'input')).toBeNull();
    expect(unstorableTextPath({ a: ['ok', 'x\u0000'] }, 'input')).toBe('input.a.1');
    expect(unstorableTextPath({ a: '\uD800' }, 'input')).toBe('input.a');
    expect(unstorableTextPath({ a: 'x\uDC00' }, 'input')).toBe('input.a');
    expect(unstorableTextPath({ 'k\u0000': 1 }, 'input')).toBe('input.k\u0000');
  });

  it('names the argument field at fault, inline or in a variable', () => {
    const document = parse('mutation ($in: I!) { a(input: $in) { id } b(name: "ok", tags: ["x", "y\\u0000"]) { id } }');
    expect(unstorableTextError(document, { in: { name: 'fine' } })?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'tags.1',
    });
    expect(unstorableTextError(document, { in: { name: '\u0000' } })?.extensions?.['field']).toBe('input.name');
    expect(unstorableTextError(parse('{ a(x: "ok") { id } }'), {})).toBeNull();
  });
});

describe('DateTime', () => {
  it('accepts the years PostgreSQL and ISO 8601 share, 1 to 9999, and refuses the others', () => {
    // 0001-01-01 is 719,162 days before 1970-01-01.
    expect(DateTimeScalar.parseValue('0001-01-01T00:00:00.000Z')).toEqual(new Date(-719_162 * 86_400_000));
    expect(DateTimeScalar.parseValue('9999-12-31T23:59:59.999Z')).toEqual(new Date('9999-12-31T23:59:59.999Z'));
    for (const bad of ['0000-12-31T23:59:59.999Z', '-000001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
      expect(() => DateTimeScalar.parseValue(bad)).toThrow(/from year 1 to 9999/);
    }
  });
});
