import type { Signal } from '@alphintra/core';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isInternalAddress, WebhookUrlError } from './address.ts';
import { retryDelay } from './dispatcher.ts';
import { matchesWebhookFilter, normalizeWebhookFilter, WebhookFilterError } from './filter.ts';

const refused = (url: string, options: Parameters<typeof checkWebhookUrl>[1]) =>
  checkWebhookUrl(url, options).then(
    () => null,
    (error: unknown) => (error instanceof WebhookUrlError ? error.message : `unexpected: ${String(error)}`),
  );

describe('webhook URLs', () => {
  it('classifies addresses by the IANA special-purpose registries', () => {
    for (const internal of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(isInternalAddress(internal), internal).toBe(true);
    }
    for (const external of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(external), external).toBe(false);
    }
  });

  it('refuses other schemes, overlong URLs and internal targets, with the reason', async () => {
    const strict = { allowPrivate: false };
    expect(await refused('ftp://example.com/hook', strict)).toMatch(/http or https, not ftp/);
    expect(await refused(`https://example.com/${'a'.repeat(2_030)}`, strict)).toMatch(/at most 2048/);
    expect(await refused('not a url', strict)).toMatch(/not a URL/);
    expect(await refused('http://127.0.0.1:8080/hook', strict)).toMatch(/127\.0\.0\.1, a loopback/);
    expect(await refused('http://[::1]/hook', strict)).toMatch(/::1/);
    // `localhost` through the system resolver: every address it has is loopback.
    expect(await refused('http://localhost/hook', strict)).toMatch(/resolves to (127\.0\.0\.1|::1)/);
    // A name that resolves to a private address, through a resolver standing in for DNS.
    const resolve = async (host: string) =>
      host === 'intranet.test'
        ? [
            { address: '93.184.216.34', family: 4 as const },
            { address: '10.20.30.40', family: 4 as const },
          ]
        : [];
    expect(await refused('https://intranet.test/hook', { allowPrivate: false, resolve })).toMatch(/10\.20\.30\.40/);
    expect(await refused('https://nowhere.test/hook', { allowPrivate: false, resolve })).toMatch(/does not resolve/);
  });

  it('accepts public targets, and private ones when allowed', async () => {
    const resolve = async () => [{ address: '93.184.216.34', family: 4 as const }];
    expect(await refused('https://example.test/hook', { allowPrivate: false, resolve })).toBeNull();
    expect(await refused('http://127.0.0.1:8080/hook', { allowPrivate: true })).toBeNull();
  });
});

describe('webhook filters', () => {
  const signal = {
    symbol: 'XRPETH',
    strategyId: '6f1c1f6e-0a4e-4c1c-9d55-5a7f3c1b2a10',
    action: 'BUY',
    confidence: 0.7,
    shadow: false,
  } as Signal;

  it('matches on every field given, and everything when none is', () => {
    const cases: [Parameters<typeof normalizeWebhookFilter>[0], boolean][] = [
      [{}, true],
      [{ symbols: [' xrpeth '] }, true],
      [{ symbols: ['BTCUSDT'] }, false],
      [{ strategyIds: ['6F1C1F6E-0A4E-4C1C-9D55-5A7F3C1B2A10'] }, true],
      [{ strategyIds: ['00000000-0000-4000-8000-000000000000'] }, false],
      [{ actions: ['BUY'] }, true],
      [{ actions: ['SELL'] }, false],
      [{ minConfidence: 0.7 }, true],
      [{ minConfidence: 0.71 }, false],
      [{ symbols: ['XRPETH'], actions: ['SELL'] }, false],
      [{ symbols: [], actions: [] }, true],
    ];
    for (const [filter, expected] of cases) {
      expect(matchesWebhookFilter(signal, normalizeWebhookFilter(filter)), JSON.stringify(filter)).toBe(expected);
    }
    expect(matchesWebhookFilter({ ...signal, shadow: true }, {})).toBe(false);
  });

  it('refuses a confidence out of range, naming the field', () => {
    expect(() => normalizeWebhookFilter({ minConfidence: 1.5 })).toThrow(WebhookFilterError);
    try {
      normalizeWebhookFilter({ minConfidence: -0.1 });
    } catch (error) {
      expect((error as WebhookFilterError).field).toBe('minConfidence');
    }
  });
});

describe('retry delays', () => {
  it('grow exponentially with full jitter, capped', () => {
    const settings = { backoffBaseMs: 5_000, backoffMaxMs: 3_600_000 };
    expect([1, 2, 3, 4].map((n) => retryDelay(n, settings, 0.999_999))).toEqual([4_999, 9_999, 19_999, 39_999]);
    expect(retryDelay(30, settings, 0.999_999)).toBe(3_599_996);
    expect(retryDelay(5, settings, 0)).toBe(0);
    expect(retryDelay(1, settings, 0.5)).toBe(2_500);
  });
});
