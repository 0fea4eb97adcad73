import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ExpiringCache', () => {
  it('answers an entry until its expiry and never at or after it', () => {
    const clock = manualClock();
    const cache = new ExpiringCache<string, string>(10, clock.now);
    cache.set('token', 'alice', clock.now() + 1_000);
    expect(cache.get('token')).toBe('alice');
    clock.advance(999);
    expect(cache.get('token')).toBe('alice');
    clock.advance(1);
    expect(cache.get('token')).toBeUndefined();
    // The expired entry is gone, not hidden: moving the clock back does not bring it back.
    clock.advance(-500);
    expect(cache.get('token')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing that has already expired', () => {
    const clock = manualClock();
    const cache = new ExpiringCache<string, string>(10, clock.now);
    cache.set('past', 'x', clock.now() - 1);
    cache.set('now', 'x', clock.now());
    cache.set('nan', 'x', Number.NaN);
    expect([cache.get('past'), cache.get('now'), cache.get('nan')]).toEqual([undefined, undefined, undefined]);
    expect(cache.size).toBe(0);
  });

  it('replaces an entry with its new value and expiry, and forgets one deleted', () => {
    const clock = manualClock();
    const cache = new ExpiringCache<string, string>(10, clock.now);
    cache.set('token', 'alice', clock.now() + 10_000);
    cache.set('token', 'bob', clock.now() + 100);
    clock.advance(100);
    expect(cache.get('token')).toBeUndefined();
    cache.set('token', 'carol', clock.now() + 100);
    cache.delete('token');
    expect(cache.get('token')).toBeUndefined();
  });

  it('holds at most its bound, letting the least recently used entry go first', () => {
    const clock = manualClock();
    const cache = new ExpiringCache<number, number>(3, clock.now);
    const later = clock.now() + 60_000;
    for (const key of [1, 2, 3]) cache.set(key, key * 10, later);
    expect(cache.get(1)).toBe(10); // 1 is now the most recently used: 2 is the least.
    cache.set(4, 40, later);
    expect(cache.size).toBe(3);
    expect([1, 2, 3, 4].map((key) => cache.get(key))).toEqual([10, undefined, 30, 40]);
    for (let key = 100; key < 1_100; key++) cache.set(key, key, later);
    expect(cache.size).toBe(3);
    expect([1_097, 1_098, 1_099].map((key) => cache.get(key))).toEqual([1_097, 1_098, 1_099]);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const bound of [0, -1, 1.5, Number.NaN]) expect(() => new ExpiringCache(bound)).toThrow(RangeError);
  });
});
