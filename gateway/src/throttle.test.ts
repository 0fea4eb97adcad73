import { describe, expect, it } from 'vitest';
import { identityKey } from './limits.ts';
import { RateLimiter } from './throttle.ts';

describe('RateLimiter', () => {
  it('allows exactly `max` operations in the window that starts with an identity’s first one', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ max: 3, windowMs: 60_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
    now += 20_000;
    // 40 s of the window are left.
    expect(limiter.take('a')).toBe(40_000);
    expect(limiter.take('b')).toBe(0);
  });

  it('weights the previous window by how much of it still overlaps the last minute', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 4, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 4; i++) expect(limiter.take('a')).toBe(0);
    // Half way into the next window, the 4 of the last one count as 2: two more fit, not a third.
    now = 90_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    // Two windows later nothing of the old ones counts.
    now = 240_000;
    for (let i = 0; i < 4; i++) expect(limiter.take('a')).toBe(0);
  });
});

describe('identityKey', () => {
  const headers = (values: Record<string, string>) => ({ headers: { get: (name: string) => values[name] ?? null } });

  it('is the authenticated subject when there is one', () => {
    expect(identityKey({ identity: { sub: 'user-1' }, request: headers({ authorization: 'Bearer x' }) })).toBe(
      'user-1',
    );
  });

  it('else hashes the credentials sent, over HTTP and graphql-ws alike, never keeping them', () => {
    const http = identityKey({ request: headers({ authorization: 'Bearer secret' }) });
    const ws = identityKey({ connectionParams: { authorization: 'Bearer secret' }, req: { headers: {} } });
    expect(http).toBe(ws);
    expect(http).not.toContain('secret');
    expect(identityKey({ request: headers({ authorization: 'Bearer other' }) })).not.toBe(http);
  });

  it('else is the client’s address', () => {
    const a = identityKey({ req: { socket: { remoteAddress: '10.0.0.1' } } });
    expect(a).toBe(identityKey({ req: { headers: {}, socket: { remoteAddress: '10.0.0.1' } } }));
    expect(a).not.toBe(identityKey({ req: { socket: { remoteAddress: '10.0.0.2' } } }));
  });
});
