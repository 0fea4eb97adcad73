import type { Expr, StrategyDocument } from '@alphintra/core';
import { EXAMPLE_MODEL, EXAMPLE_MODEL_CHECKSUM } from '../model/example.ts';

/** A ready-made strategy document a user can start from. */
export interface StrategyTemplate {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly document: StrategyDocument;
}

const ind = (name: string, out?: string, ago?: number): Expr => ({
  ind: name,
  ...(out === undefined ? {} : { out }),
  ...(ago === undefined ? {} : { ago }),
});
const close: Expr = { field: 'close' };
const atr = ind('atr');

/**
 * The built-in templates. Confidence expressions are clamped to [0, 1] by the engine; none sizes a trade (the
 * user adds `sizing`). `model-example` is an `AI_ML` document reading the example model, which the platform
 * registers at start.
 */
export const STRATEGY_TEMPLATES: readonly StrategyTemplate[] = deepFreeze([
  {
    id: 'ema-crossover',
    name: 'EMA crossover',
    description:
      'Trend following: BUY when the 9-candle EMA of closes crosses above the 21-candle EMA, SELL when it crosses ' +
      'below. Stop 2 ATR(14) away, target 3 ATR(14). Confidence grows from 0.5 to 0.8 with the gap between the ' +
      'averages, in half ATRs, as EMA_CROSSOVER does.',
    document: {
      version: 1,
      interval: '1m',
      indicators: {
        fast: { type: 'EMA', period: 9 },
        slow: { type: 'EMA', period: 21 },
        atr: { type: 'ATR', period: 14 },
      },
      rules: [
        { id: 'golden-cross', side: 'BUY', when: { crossesAbove: [ind('fast'), ind('slow')] } },
        { id: 'death-cross', side: 'SELL', when: { crossesBelow: [ind('fast'), ind('slow')] } },
      ],
      stopLoss: { atr: 'atr', multiple: 2 },
      takeProfit: { atr: 'atr', multiple: 3 },
      // 0.5 + 0.3 * min(1, |fast - slow| / (0.5 * ATR))
      confidence: {
        add: [
          0.5,
          { mul: [0.3, { min: [1, { div: [{ abs: { sub: [ind('fast'), ind('slow')] } }, { mul: [0.5, atr] }] }] }] },
        ],
      },
      cooldownBars: 3,
      lifetimeBars: 5,
    },
  },
  {
    id: 'rsi-reversion',
    name: 'RSI reversion',
    description:
      'Mean reversion: BUY when the 14-candle RSI crosses back above 30 (leaving oversold), SELL when it crosses ' +
      'back below 70 (leaving overbought). Stop 1.5 ATR(14) away, target 2 ATR(14). Confidence grows with how far ' +
      'past the threshold the RSI went in the last 5 candles: 0.5 at the threshold, 1 at 20 points beyond it.',
    document: {
      version: 1,
      interval: '1m',
      indicators: {
        rsi: { type: 'RSI', period: 14 },
        rsiLow: { type: 'LOWEST', period: 5, source: { ind: 'rsi' } },
        rsiHigh: { type: 'HIGHEST', period: 5, source: { ind: 'rsi' } },
        atr: { type: 'ATR', period: 14 },
      },
      rules: [
        { id: 'oversold-exit', side: 'BUY', when: { crossesAbove: [ind('rsi'), 30] } },
        { id: 'overbought-exit', side: 'SELL', when: { crossesBelow: [ind('rsi'), 70] } },
      ],
      stopLoss: { atr: 'atr', multiple: 1.5 },
      takeProfit: { atr: 'atr', multiple: 2 },
      // 0.5 + max(30 - lowest RSI, highest RSI - 70) / 40
      confidence: {
        add: [0.5, { div: [{ max: [{ sub: [30, ind('rsiLow')] }, { sub: [ind('rsiHigh'), 70] }] }, 40] }],
      },
      cooldownBars: 5,
      lifetimeBars: 5,
    },
  },
  {
    id: 'macd-cross',
    name: 'MACD signal cross',
    description:
      'Momentum: BUY when the MACD(12, 26) line crosses above its 9-candle signal line, SELL when it crosses below. ' +
      'Stop 2 ATR(14) away, target 3 ATR(14). Confidence grows from 0.5 to 0.8 with the distance of the MACD line ' +
      'from zero, in ATRs: a cross far from zero marks a stronger turn.',
    document: {
      version: 1,
      interval: '1m',
      indicators: {
        macd: { type: 'MACD', fast: 12, slow: 26, signal: 9 },
        atr: { type: 'ATR', period: 14 },
      },
      rules: [
        { id: 'bullish-cross', side: 'BUY', when: { crossesAbove: [ind('macd', 'line'), ind('macd', 'signal')] } },
        { id: 'bearish-cross', side: 'SELL', when: { crossesBelow: [ind('macd', 'line'), ind('macd', 'signal')] } },
      ],
      stopLoss: { atr: 'atr', multiple: 2 },
      takeProfit: { atr: 'atr', multiple: 3 },
      // 0.5 + 0.3 * min(1, |MACD line| / ATR)
      confidence: { add: [0.5, { mul: [0.3, { min: [1, { div: [{ abs: ind('macd', 'line') }, atr] }] }] }] },
      cooldownBars: 3,
      lifetimeBars: 5,
    },
  },
  {
    id: 'bollinger-reversion',
    name: 'Bollinger band reversion',
    description:
      'Mean reversion: BUY when the close crosses back above the lower 20-candle, 2-deviation Bollinger band, SELL ' +
      'when it crosses back below the upper band; the target is the middle band. Stop 1.5 ATR(14) away. ' +
      'Confidence grows from 0.4 to 0.8 with the distance to the middle band per unit of risk.',
    document: {
      version: 1,
      interval: '1m',
      indicators: {
        bb: { type: 'BBANDS', period: 20, stdDev: 2 },
        atr: { type: 'ATR', period: 14 },
      },
      rules: [
        { id: 'back-above-lower', side: 'BUY', when: { crossesAbove: [close, ind('bb', 'lower')] } },
        { id: 'back-below-upper', side: 'SELL', when: { crossesBelow: [close, ind('bb', 'upper')] } },
      ],
      stopLoss: { atr: 'atr', multiple: 1.5 },
      takeProfit: { price: ind('bb', 'middle') },
      // 0.4 + 0.2 * min(2, |middle - close| / (1.5 * ATR))
      confidence: {
        add: [
          0.4,
          {
            mul: [0.2, { min: [2, { div: [{ abs: { sub: [ind('bb', 'middle'), close] } }, { mul: [1.5, atr] }] }] }],
          },
        ],
      },
      cooldownBars: 5,
      lifetimeBars: 5,
    },
  },
  {
    id: 'donchian-breakout',
    name: 'Donchian breakout',
    description:
      'Breakout: BUY when the close crosses above the highest high of the previous 20 candles, SELL when it ' +
      'crosses below their lowest low. Stop 2 ATR(14) away, target 4 ATR(14). Confidence grows from 0.5 to 0.9 ' +
      'with how far, in ATRs, the close broke out.',
    document: {
      version: 1,
      interval: '1m',
      indicators: {
        upper: { type: 'HIGHEST', period: 20, source: 'high' },
        lower: { type: 'LOWEST', period: 20, source: 'low' },
        atr: { type: 'ATR', period: 14 },
      },
      rules: [
        { id: 'breakout-up', side: 'BUY', when: { crossesAbove: [close, ind('upper', undefined, 1)] } },
        { id: 'breakout-down', side: 'SELL', when: { crossesBelow: [close, ind('lower', undefined, 1)] } },
      ],
      stopLoss: { atr: 'atr', multiple: 2 },
      takeProfit: { atr: 'atr', multiple: 4 },
      // 0.5 + 0.4 * min(1, max(close - previous upper, previous lower - close) / ATR)
      confidence: {
        add: [
          0.5,
          {
            mul: [
              0.4,
              {
                min: [
                  1,
                  {
                    div: [
                      {
                        max: [
                          { sub: [close, ind('upper', undefined, 1)] },
                          { sub: [ind('lower', undefined, 1), close] },
                        ],
                      },
                      atr,
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      cooldownBars: 5,
      lifetimeBars: 10,
    },
  },
  {
    id: 'stochastic-cross',
    name: 'Stochastic cross',
    description:
      'Mean reversion: BUY when the stochastic %K(14) crosses above its 3-candle %D below 20 (oversold), SELL when ' +
      'it crosses below %D above 80 (overbought). Stop 1.5 ATR(14) away, target 2 ATR(14). Confidence grows from ' +
      '0.5 with how far %K is from 50.',
    document: {
      version: 1,
      interval: '1m',
      indicators: {
        stoch: { type: 'STOCH', k: 14, d: 3 },
        atr: { type: 'ATR', period: 14 },
      },
      rules: [
        {
          id: 'oversold-cross',
          side: 'BUY',
          when: { and: [{ crossesAbove: [ind('stoch', 'k'), ind('stoch', 'd')] }, { lt: [ind('stoch', 'k'), 20] }] },
        },
        {
          id: 'overbought-cross',
          side: 'SELL',
          when: { and: [{ crossesBelow: [ind('stoch', 'k'), ind('stoch', 'd')] }, { gt: [ind('stoch', 'k'), 80] }] },
        },
      ],
      stopLoss: { atr: 'atr', multiple: 1.5 },
      takeProfit: { atr: 'atr', multiple: 2 },
      // 0.5 + |%K - 50| / 100: 0.8 at 20 or 80, 1 at 0 or 100
      confidence: { add: [0.5, { div: [{ abs: { sub: [ind('stoch', 'k'), 50] } }, 100] }] },
      cooldownBars: 3,
      lifetimeBars: 5,
    },
  },
  {
    id: 'model-example',
    name: 'Example model (logistic regression)',
    description:
      'AI_ML: reads the example model (example-logreg v1, a logistic regression on RSI(14), the 1- and 5-candle ' +
      'returns and the gap to EMA(20)). BUY when its probability of a higher next close is above 0.6, SELL when ' +
      'its probability of a lower one is; the confidence is that probability. Stop 2 ATR(14) away, target 3 ' +
      'ATR(14); the explanation lists the features and both outputs.',
    document: {
      version: 1,
      interval: '1m',
      model: { name: EXAMPLE_MODEL.name, version: 1, checksum: EXAMPLE_MODEL_CHECKSUM },
      indicators: { atr: { type: 'ATR', period: 14 } },
      rules: [
        { id: 'model-up', side: 'BUY', when: { gt: [{ model: 'up' }, 0.6] }, confidence: { model: 'up' } },
        { id: 'model-down', side: 'SELL', when: { gt: [{ model: 'down' }, 0.6] }, confidence: { model: 'down' } },
      ],
      stopLoss: { atr: 'atr', multiple: 2 },
      takeProfit: { atr: 'atr', multiple: 3 },
      confidence: 0.5,
      cooldownBars: 5,
      lifetimeBars: 5,
    },
  },
]);

/** The template with that id, or undefined. */
export function templateById(id: string): StrategyTemplate | undefined {
  return STRATEGY_TEMPLATES.find((template) => template.id === id);
}

/** Templates are shared constants handed to every caller: none may change them for the others. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
