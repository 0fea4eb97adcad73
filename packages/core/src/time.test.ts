import { describe, expect, it } from 'vitest';
import { isoTime } from './time.ts';

describe('isoTime', () => {
  it('formats as ISO 8601 in UTC with milliseconds, the same when asked again', () => {
    // Epoch milliseconds and their text, as RFC 3339 / ECMA-262 write them.
    const vectors: [number, string][] = [
      [0, '1970-01-01T00:00:00.000Z'],
      [1570753740000, '2019-10-11T00:29:00.000Z'],
      [951868799999, '2000-02-29T23:59:59.999Z'],
      [-1, '1969-12-31T23:59:59.999Z'],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [ms, text] of vectors) expect(isoTime(ms)).toBe(text);
    }
  });

  it('stays right past the answers it keeps', () => {
    const base = Date.UTC(2030, 0, 1);
    for (let minute = 0; minute < 1_000; minute++) {
      const ms = base + minute * 60_000 + (minute % 1_000);
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoTime(base)).toBe('2030-01-01T00:00:00.000Z');
  });
});
