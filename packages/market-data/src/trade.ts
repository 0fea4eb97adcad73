import type { Trade } from '@alphintra/core';

/** Thrown when an exchange payload is not a valid trade; `reason` says what is wrong with it. */
export class MalformedTradeError extends Error {
  override readonly name = 'MalformedTradeError';
  readonly reason: string;

  constructor(reason: string) {
    super(`malformed trade: ${reason}`);
    this.reason = reason;
  }
}

// Plain decimal notation only: no sign, no exponent, no blanks, so the string can be kept as the exact value.
const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * A plain non-negative decimal string. Zero passes: it is a well-formed value the quality check refuses
 * (`NON_POSITIVE`), so it is counted as bad data rather than as a broken payload.
 */
function plainDecimal(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string') return fail(`field "${key}" must be a decimal string`);
  if (!DECIMAL.test(value)) return fail(`field "${key}" is not a plain decimal: ${JSON.stringify(value)}`);
  return value;
}

function timestamp(payload: Record<string, unknown>, key: string): number {
  const value = payload[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    return fail(`field "${key}" must be a positive integer of ms since the epoch`);
  }
  return value;
}

function fail(reason: string): never {
  throw new MalformedTradeError(reason);
}

/**
 * Normalizes an already decoded Binance `<symbol>@trade` payload (`e`, `E`, `s`, `t`, `p`, `q`, `T`, `m`);
 * throws `MalformedTradeError` when it is not one. A zero price or quantity is well formed and normalizes; the
 * quality check (`TradeChecker`) refuses it.
 */
export function normalizeBinanceTrade(payload: unknown): Trade {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) fail('not a JSON object');
  const record = payload as Record<string, unknown>;
  if (record['e'] !== 'trade') fail(`event type is ${JSON.stringify(record['e'])}, expected "trade"`);
  timestamp(record, 'E');
  const symbol = record['s'];
  if (typeof symbol !== 'string' || symbol === '') fail('field "s" must be a non-empty symbol');
  const id = record['t'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) fail('field "t" must be a trade id');
  const price = plainDecimal(record, 'p');
  const quantity = plainDecimal(record, 'q');
  const time = timestamp(record, 'T');
  const buyerIsMaker = record['m'];
  if (typeof buyerIsMaker !== 'boolean') fail('field "m" must be a boolean');
  return {
    source: 'binance',
    symbol,
    tradeId: String(id),
    time,
    price,
    quantity,
    priceNum: Number(price),
    quantityNum: Number(quantity),
    // The buyer resting on the book means the seller crossed the spread: the taker sold.
    takerSide: buyerIsMaker ? 'SELL' : 'BUY',
  };
}

/** Parses one line of a Binance `<symbol>@trade` stream; throws `MalformedTradeError` with the reason. */
export function parseBinanceTrade(line: string): Trade {
  let payload: unknown;
  try {
    payload = JSON.parse(line);
  } catch (error) {
    throw new MalformedTradeError(`invalid JSON (${(error as Error).message})`);
  }
  return normalizeBinanceTrade(payload);
}
