import { describe, expect, it } from 'vitest';
import { MalformedTradeError, normalizeBinanceTrade, parseBinanceTrade } from './trade.ts';

// First line of the bundled recording (Binance XRPETH, 2019-10-11).
const LINE =
  '{"e":"trade","E":1570752011623,"s":"XRPETH","t":13519807,"p":"0.00141342","q":"23.00000000","T":1570752011620,"m":true,"M":true}';

function reasonOf(line: string): string {
  try {
    parseBinanceTrade(line);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedTradeError);
    return (error as MalformedTradeError).reason;
  }
  throw new Error('expected a MalformedTradeError');
}

function withField(key: string, value: unknown): string {
  return JSON.stringify({ ...JSON.parse(LINE), [key]: value });
}

function withoutField(key: string): string {
  const { [key]: _dropped, ...rest } = JSON.parse(LINE) as Record<string, unknown>;
  return JSON.stringify(rest);
}

describe('parseBinanceTrade', () => {
  it('keeps the exchange strings exact and adds numeric copies', () => {
    expect(parseBinanceTrade(LINE)).toEqual({
      source: 'binance',
      symbol: 'XRPETH',
      tradeId: '13519807',
      time: 1570752011620,
      price: '0.00141342',
      quantity: '23.00000000',
      priceNum: 0.00141342,
      quantityNum: 23,
      takerSide: 'SELL',
    });
  });

  it('maps the buyer-is-maker flag to the taker side', () => {
    expect(parseBinanceTrade(withField('m', false)).takerSide).toBe('BUY');
    expect(parseBinanceTrade(withField('m', true)).takerSide).toBe('SELL');
  });

  it('uses the trade time, not the event time', () => {
    expect(parseBinanceTrade(withField('E', 1570752099999)).time).toBe(1570752011620);
  });

  it('normalizes a zero price or quantity, which the quality check then refuses', () => {
    const zero = parseBinanceTrade(withField('p', '0.00000000'));
    expect(zero).toMatchObject({ price: '0.00000000', priceNum: 0 });
    expect(parseBinanceTrade(withField('q', '0'))).toMatchObject({ quantity: '0', quantityNum: 0 });
  });

  it('accepts an already decoded payload', () => {
    expect(normalizeBinanceTrade(JSON.parse(LINE))).toEqual(parseBinanceTrade(LINE));
  });

  it.each([
    ['bad JSON', '{"e":"trade",', /invalid JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['wrong event type', withField('e', 'aggTrade'), /event type/],
    ['missing price', withoutField('p'), /"p"/],
    ['missing trade time', withoutField('T'), /"T"/],
    ['missing symbol', withoutField('s'), /"s"/],
    ['missing maker flag', withoutField('m'), /"m"/],
    ['negative price', withField('p', '-0.00141342'), /"p" is not a plain decimal/],
    ['numeric price', withField('p', 0.00141342), /"p" must be a decimal string/],
    ['exponent quantity', withField('q', '1e-8'), /"q" is not a plain decimal/],
    ['blank in quantity', withField('q', ' 1.0'), /"q" is not a plain decimal/],
    ['hexadecimal quantity', withField('q', '0x10'), /"q" is not a plain decimal/],
    ['empty price', withField('p', ''), /"p" is not a plain decimal/],
    ['fractional trade id', withField('t', 1.5), /"t"/],
    ['string trade time', withField('T', '1570752011620'), /"T"/],
  ])('rejects %s', (_name, line, reason) => {
    expect(reasonOf(line)).toMatch(reason);
  });
});
