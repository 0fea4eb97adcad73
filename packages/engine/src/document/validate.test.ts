import { readFileSync } from 'node:fs';
import { DOCUMENT_LIMITS, type DocumentProblem } from '@alphintra/core';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_MODEL_FEATURES } from '../model/example.ts';
import { STRATEGY_TEMPLATES, templateById } from './templates.ts';
import {
  documentIndicatorNames,
  isValidStrategyDocument,
  validateModelFeatures,
  validateStrategyDocument,
} from './validate.ts';

const schemaText = readFileSync(new URL('../../../../schema/strategy.schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(schemaText) as Record<string, unknown>;

/** A separate ajv, straight on the published file: what any client of the schema would do. */
const clientAjv = new Ajv2020({ strict: true, allErrors: true });
const clientValidate = clientAjv.compile(schema);

/** The example of `StrategyDocument`'s documentation in core. */
const EXAMPLE = {
  version: 1,
  interval: '1m',
  indicators: {
    fast: { type: 'EMA', period: 9 },
    slow: { type: 'EMA', period: 21 },
    atr: { type: 'ATR', period: 14 },
  },
  rules: [
    { id: 'golden-cross', side: 'BUY', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'slow' }] } },
    { id: 'death-cross', side: 'SELL', when: { crossesBelow: [{ ind: 'fast' }, { ind: 'slow' }] } },
  ],
  stopLoss: { atr: 'atr', multiple: 2 },
  takeProfit: { atr: 'atr', multiple: 3 },
  sizing: { riskAmount: 100 },
  confidence: 0.6,
  cooldownBars: 3,
  lifetimeBars: 10,
};

type Doc = Record<string, unknown>;

/** The example with some top-level members replaced (`undefined` removes one). */
function doc(changes: Doc = {}): Doc {
  const copy: Doc = structuredClone(EXAMPLE);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

function withRule(when: unknown, extra: Doc = {}): Doc {
  return doc({ rules: [{ id: 'r', side: 'BUY', when }], ...extra });
}

function paths(problems: readonly DocumentProblem[]): string[] {
  return problems.map((problem) => problem.path).sort();
}

describe('schema/strategy.schema.json', () => {
  it('is a valid draft 2020-12 schema that compiles in strict mode', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    const metaAjv = new Ajv2020({ strict: true });
    expect(metaAjv.validateSchema(schema), JSON.stringify(metaAjv.errors)).toBe(true);
    expect(typeof clientValidate).toBe('function');
  });

  it("accepts core's documented example", () => {
    expect(clientValidate(EXAMPLE), JSON.stringify(clientValidate.errors)).toBe(true);
    expect(validateStrategyDocument(EXAMPLE)).toEqual([]);
  });

  it('states the limits of DOCUMENT_LIMITS', () => {
    const defs = schema['$defs'] as Record<string, Record<string, unknown>>;
    expect(defs['period']).toMatchObject({ type: 'integer', minimum: 1, maximum: DOCUMENT_LIMITS.maxPeriod });
    expect(defs['ago']).toMatchObject({ type: 'integer', minimum: 0, maximum: DOCUMENT_LIMITS.maxAgo });
    const properties = schema['properties'] as Record<string, Record<string, unknown>>;
    expect(properties['indicators']).toMatchObject({ maxProperties: DOCUMENT_LIMITS.maxIndicators });
    expect(properties['rules']).toMatchObject({ maxItems: DOCUMENT_LIMITS.maxRules });
    expect(properties['cooldownBars']).toMatchObject({ maximum: DOCUMENT_LIMITS.maxCooldownBars });
    expect(properties['lifetimeBars']).toMatchObject({ minimum: 1, maximum: DOCUMENT_LIMITS.maxLifetimeBars });
    expect(schemaText).not.toContain('"additionalProperties": true');
  });

  it('refuses what the validator refuses on shape alone', () => {
    for (const bad of [doc({ extra: 1 }), doc({ version: 2 }), doc({ interval: '2m' }), withRule({ gt: [1] })]) {
      expect(clientValidate(bad)).toBe(false);
      expect(validateStrategyDocument(bad)).not.toEqual([]);
    }
  });
});

describe('STRATEGY_TEMPLATES', () => {
  it('has the seven templates, each with a unique id', () => {
    const ids = STRATEGY_TEMPLATES.map((template) => template.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'ema-crossover',
        'rsi-reversion',
        'macd-cross',
        'bollinger-reversion',
        'donchian-breakout',
        'stochastic-cross',
        'model-example',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(STRATEGY_TEMPLATES.map((template) => [template.id, template] as const))('%s is valid', (_, template) => {
    expect(clientValidate(template.document), JSON.stringify(clientValidate.errors)).toBe(true);
    expect(validateStrategyDocument(template.document)).toEqual([]);
    expect(template.name).not.toBe('');
    expect(template.description.length).toBeGreaterThan(40);
    expect(template.document.sizing).toBeUndefined();
    expect(template.document.confidence).toBeDefined();
    expect(template.document.cooldownBars).toBeGreaterThanOrEqual(1);
    expect(template.document.lifetimeBars).toBeGreaterThanOrEqual(1);
  });

  it('ema-crossover is the EMA 9/21 crossover with stops at 2 and targets at 3 ATR(14)', () => {
    const document = templateById('ema-crossover')?.document;
    expect(document?.indicators).toEqual({
      fast: { type: 'EMA', period: 9 },
      slow: { type: 'EMA', period: 21 },
      atr: { type: 'ATR', period: 14 },
    });
    expect(document?.stopLoss).toEqual({ atr: 'atr', multiple: 2 });
    expect(document?.takeProfit).toEqual({ atr: 'atr', multiple: 3 });
    expect(document?.rules.map((rule) => [rule.side, rule.when])).toEqual([
      ['BUY', { crossesAbove: [{ ind: 'fast' }, { ind: 'slow' }] }],
      ['SELL', { crossesBelow: [{ ind: 'fast' }, { ind: 'slow' }] }],
    ]);
  });

  it('each template has the rules its description promises', () => {
    expect(templateById('rsi-reversion')?.document.rules.map((rule) => [rule.side, rule.when])).toEqual([
      ['BUY', { crossesAbove: [{ ind: 'rsi' }, 30] }],
      ['SELL', { crossesBelow: [{ ind: 'rsi' }, 70] }],
    ]);
    expect(templateById('rsi-reversion')?.document.indicators['rsi']).toEqual({ type: 'RSI', period: 14 });
    expect(templateById('macd-cross')?.document.indicators['macd']).toEqual({
      type: 'MACD',
      fast: 12,
      slow: 26,
      signal: 9,
    });
    const bollinger = templateById('bollinger-reversion')?.document;
    expect(bollinger?.indicators['bb']).toEqual({ type: 'BBANDS', period: 20, stdDev: 2 });
    expect(bollinger?.takeProfit).toEqual({ price: { ind: 'bb', out: 'middle' } });
    const donchian = templateById('donchian-breakout')?.document;
    expect(donchian?.rules.map((rule) => [rule.side, rule.when])).toEqual([
      ['BUY', { crossesAbove: [{ field: 'close' }, { ind: 'upper', ago: 1 }] }],
      ['SELL', { crossesBelow: [{ field: 'close' }, { ind: 'lower', ago: 1 }] }],
    ]);
    expect(donchian?.indicators['upper']).toMatchObject({ type: 'HIGHEST', period: 20 });
    expect(donchian?.indicators['lower']).toMatchObject({ type: 'LOWEST', period: 20 });
    expect(templateById('stochastic-cross')?.document.indicators['stoch']).toEqual({ type: 'STOCH', k: 14, d: 3 });
  });

  it('templateById finds a template or gives undefined', () => {
    expect(templateById('macd-cross')?.name).toBeTruthy();
    expect(templateById('nope')).toBeUndefined();
  });

  it('cannot be changed by a caller', () => {
    const document = templateById('ema-crossover')?.document;
    expect(Object.isFrozen(document?.indicators['fast'])).toBe(true);
    const rules = (document?.rules ?? []) as unknown as unknown[];
    expect(() => rules.push({})).toThrow(TypeError);
  });
});

describe('validateStrategyDocument', () => {
  /** [what, document, expected paths, a pattern each message matches (in path order)] */
  const invalid: readonly (readonly [string, unknown, readonly string[], readonly RegExp[]])[] = [
    [
      'an unknown indicator',
      withRule({ crossesAbove: [{ ind: 'fast' }, { ind: 'slowest' }] }),
      ['/rules/0/when/crossesAbove/1/ind'],
      [/no indicator is named "slowest".*"fast", "slow", "atr"/],
    ],
    [
      'an output the indicator does not have',
      doc({
        indicators: { ...EXAMPLE.indicators, macd: { type: 'MACD', fast: 12, slow: 26, signal: 9 } },
        rules: [
          {
            id: 'a',
            side: 'BUY',
            when: {
              gt: [
                { ind: 'macd', out: 'upper' },
                { ind: 'fast', out: 'line' },
              ],
            },
          },
        ],
      }),
      ['/rules/0/when/gt/0/out', '/rules/0/when/gt/1/out'],
      [/"macd" \(MACD\) has the outputs "line", "signal", "histogram"/, /"fast" \(EMA\) has a single output/],
    ],
    [
      'an output name no indicator has',
      withRule({ gt: [{ ind: 'fast', out: 'top' }, 1] }),
      ['/rules/0/when/gt/0/out'],
      [/must be one of "line", .*"percentB", "k", "d" \(got "top"\)/],
    ],
    [
      'indicator sources in a cycle',
      doc({
        indicators: {
          ...EXAMPLE.indicators,
          a: { type: 'SMA', period: 3, source: { ind: 'b' } },
          b: { type: 'EMA', period: 3, source: { ind: 'c' } },
          c: { type: 'WMA', period: 3, source: { ind: 'a' } },
          self: { type: 'SMA', period: 3, source: { ind: 'self' } },
        },
      }),
      ['/indicators/a/source/ind', '/indicators/self/source/ind'],
      [/cycle.*"a" -> "b" -> "c" -> "a"/, /cycle.*"self" -> "self"/],
    ],
    [
      'a period over the cap',
      doc({ indicators: { ...EXAMPLE.indicators, slow: { type: 'EMA', period: 1001 } } }),
      ['/indicators/slow/period'],
      [/at most 1000 candles \(got 1001\)/],
    ],
    [
      'a period that is not a whole number, and one below 1',
      doc({
        indicators: { ...EXAMPLE.indicators, fast: { type: 'EMA', period: 9.5 }, atr: { type: 'ATR', period: 0 } },
      }),
      ['/indicators/atr/period', '/indicators/fast/period'],
      [/must be at least 1 \(got 0\)/, /must be a whole number \(got 9.5\)/],
    ],
    [
      'MACD fast >= slow',
      doc({ indicators: { ...EXAMPLE.indicators, macd: { type: 'MACD', fast: 26, slow: 12, signal: 9 } } }),
      ['/indicators/macd/fast'],
      [/less than the slow period/],
    ],
    [
      'a level naming an indicator that is not an ATR',
      doc({ stopLoss: { atr: 'fast', multiple: 2 }, takeProfit: { atr: 'nope', multiple: 2 } }),
      ['/stopLoss/atr', '/takeProfit/atr'],
      [/must name an ATR indicator: "fast" is EMA/, /no indicator is named "nope"/],
    ],
    [
      'a duplicate rule id',
      doc({
        rules: [
          { id: 'x', side: 'BUY', when: { gt: [1, 2] } },
          { id: 'y', side: 'BUY', when: { gt: [1, 2] } },
          { id: 'x', side: 'SELL', when: { lt: [1, 2] } },
        ],
      }),
      ['/rules/2/id'],
      [/duplicates the id of rule 0/],
    ],
    ['an unknown interval', doc({ interval: '2m' }), ['/interval'], [/one of "1m", "5m", "15m", "1h", "4h", "1d"/]],
    ['a wrong version', doc({ version: 2 }), ['/version'], [/must be 1/]],
    [
      'wrong types',
      doc({ cooldownBars: '3', confidence: 'high', rules: 'all' }),
      ['/confidence', '/cooldownBars', '/rules'],
      [/must be an expression: a number, or an object/, /must be a whole number \(got "3"\)/, /must be a list/],
    ],
    [
      'extra properties, at the top and deep inside',
      doc({
        colour: 'red',
        indicators: { ...EXAMPLE.indicators, fast: { type: 'EMA', period: 9, smoothing: 2 } },
        rules: [{ id: 'a', side: 'BUY', when: { gt: [{ field: 'close', at: 1 }, 1] }, note: '' }],
      }),
      ['/colour', '/indicators/fast/smoothing', '/rules/0/note', '/rules/0/when/gt/0/at'],
      [/not allowed.*"version"/, /not allowed.*"type", "period", "source"/, /not allowed.*"id"/, /"field", "ago"/],
    ],
    [
      'missing members',
      doc({ rules: [{ side: 'BUY' }], stopLoss: undefined }),
      ['/rules/0/id', '/rules/0/when', '/stopLoss'],
      [/is required/, /is required/, /is required/],
    ],
    [
      'an unknown expression and an unknown condition',
      withRule({ and: [{ gt: [{ fieldd: 'close' }, 1] }, { above: [1, 2] }] }),
      ['/rules/0/when/and/0/gt/0', '/rules/0/when/and/1'],
      [/must be an expression: .*"field", "ind", "model", "add"/, /must be a condition: .*"crossesAbove"/],
    ],
    [
      'an object with two operators',
      withRule({ gt: [1, 2], lt: [1, 2] }),
      ['/rules/0/when'],
      [/has "gt", "lt": a condition has exactly one of them/],
    ],
    [
      'a pair with three members, a triple with two',
      withRule({ or: [{ gt: [1, 2, 3] }, { between: [1, 2] }] }),
      ['/rules/0/when/or/0/gt', '/rules/0/when/or/1/between'],
      [/exactly 2 expressions/, /exactly 3 expressions/],
    ],
    [
      'an unknown indicator type, a missing type',
      doc({ indicators: { ...EXAMPLE.indicators, k: { type: 'KAMA', period: 3 }, m: { period: 3 } } }),
      ['/indicators/k/type', '/indicators/m/type'],
      [/must be one of "SMA".*"VOLUME_SMA" \(got "KAMA"\)/, /is required: one of "SMA"/],
    ],
    [
      'a bad indicator name and a bad rule id',
      doc({
        indicators: { ...EXAMPLE.indicators, '1st': { type: 'OBV' } },
        rules: [{ id: 'no spaces', side: 'BUY', when: { gt: [1, 2] } }],
      }),
      ['/indicators/1st', '/rules/0/id'],
      [/not a valid name: .*letter/, /1 to 40 letters/],
    ],
    [
      'an ago beyond the limit, forBars of zero',
      withRule({ forBars: { bars: 0, cond: { gt: [{ field: 'close', ago: 101 }, 1] } } }),
      ['/rules/0/when/forBars/bars', '/rules/0/when/forBars/cond/gt/0/ago'],
      [/at least 1/, /at most 100/],
    ],
    [
      'levels and sizing out of bounds',
      doc({ stopLoss: { percent: 0 }, takeProfit: { atr: 'atr', multiple: 101 }, sizing: { quantity: 1e13 } }),
      ['/sizing/quantity', '/stopLoss/percent', '/takeProfit/multiple'],
      [/at most 1000000000000/, /greater than 0/, /at most 100/],
    ],
    ['an empty rule list and an empty and', doc({ rules: [] }), ['/rules'], [/at least 1 rule/]],
    [
      'a between that can never hold',
      withRule({ between: [{ ind: 'fast' }, 70, 30] }),
      ['/rules/0/when/between'],
      [/can never hold/],
    ],
    [
      'a reference in a source, a price level and the confidence',
      doc({
        indicators: { ...EXAMPLE.indicators, smooth: { type: 'SMA', period: 3, source: { ind: 'ghost' } } },
        takeProfit: { price: { ind: 'phantom' } },
        confidence: { abs: { ind: 'spirit' } },
      }),
      ['/confidence/abs/ind', '/indicators/smooth/source/ind', '/takeProfit/price/ind'],
      [/"spirit"/, /"ghost"/, /"phantom"/],
    ],
  ];

  it.each(invalid)('reports %s', (_, document, expectedPaths, messages) => {
    const problems = validateStrategyDocument(document);
    expect(paths(problems)).toEqual([...expectedPaths].sort());
    const byPath = [...problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    byPath.forEach((problem, index) => {
      expect(problem.message).toMatch(messages[index] as RegExp);
    });
    expect(isValidStrategyDocument(document)).toBe(false);
  });

  it('reports several problems at once, of the schema and beyond it', () => {
    const problems = validateStrategyDocument(
      doc({
        interval: '3m',
        extra: true,
        indicators: {
          ...EXAMPLE.indicators,
          macd: { type: 'MACD', fast: 30, slow: 20, signal: 9 },
          loop: { type: 'EMA', period: 3, source: { ind: 'loop' } },
        },
        rules: [
          { id: 'a', side: 'BUY', when: { crossesAbove: [{ ind: 'fast' }, { ind: 'missing' }] } },
          { id: 'a', side: 'SIDEWAYS', when: { gt: [{ ind: 'macd', out: 'k' }, 0] } },
        ],
        cooldownBars: -1,
      }),
    );
    expect(paths(problems)).toEqual(
      [
        '/cooldownBars',
        '/extra',
        '/indicators/loop/source/ind',
        '/indicators/macd/fast',
        '/interval',
        '/rules/0/when/crossesAbove/1/ind',
        '/rules/1/id',
        '/rules/1/side',
        '/rules/1/when/gt/0/out',
      ].sort(),
    );
  });

  it('holds periods to what the platform can warm up', () => {
    expect(validateStrategyDocument(EXAMPLE, { maxPeriod: 21 })).toEqual([]);
    const problems = validateStrategyDocument(EXAMPLE, { maxPeriod: 20 });
    expect(problems).toEqual([
      { path: '/indicators/slow/period', message: expect.stringMatching(/at most 20 candles/) },
    ]);
    const macd = doc({ indicators: { ...EXAMPLE.indicators, m: { type: 'MACD', fast: 12, slow: 26, signal: 9 } } });
    expect(paths(validateStrategyDocument(macd, { maxPeriod: 20 }))).toEqual([
      '/indicators/m/slow',
      '/indicators/slow/period',
    ]);
    const stoch = doc({ indicators: { ...EXAMPLE.indicators, s: { type: 'STOCH', k: 30, d: 3 } } });
    expect(paths(validateStrategyDocument(stoch, { maxPeriod: 25 }))).toEqual(['/indicators/s/k']);
    // A cap above the document limit does not lift it.
    const long = doc({ indicators: { ...EXAMPLE.indicators, slow: { type: 'EMA', period: 1500 } } });
    expect(paths(validateStrategyDocument(long, { maxPeriod: 5000 }))).toEqual(['/indicators/slow/period']);
  });

  it(`allows nesting ${DOCUMENT_LIMITS.maxDepth} deep, not one more`, () => {
    const nested = (nots: number): unknown => {
      let condition: unknown = { gt: [{ field: 'close' }, 1] };
      for (let i = 0; i < nots; i += 1) condition = { not: condition };
      return condition;
    };
    // not x10, gt, then its operands: 12 levels.
    expect(validateStrategyDocument(withRule(nested(DOCUMENT_LIMITS.maxDepth - 2)))).toEqual([]);
    const problems = validateStrategyDocument(withRule(nested(DOCUMENT_LIMITS.maxDepth - 1)));
    expect(problems).toEqual([
      {
        path: `/rules/0/when${'/not'.repeat(DOCUMENT_LIMITS.maxDepth - 1)}/gt/0`,
        message: expect.stringMatching(/nested too deeply: at most 12 levels/),
      },
    ]);
    // The same for expressions, in the confidence.
    let expr: unknown = 1;
    for (let i = 0; i < DOCUMENT_LIMITS.maxDepth; i += 1) expr = { abs: expr };
    expect(paths(validateStrategyDocument(doc({ confidence: expr })))).toEqual([`/confidence${'/abs'.repeat(12)}`]);
  });

  it(`allows ${DOCUMENT_LIMITS.maxNodes} expression and condition nodes, not more`, () => {
    // An `and` of n comparisons: 1 + 3n nodes.
    const comparisons = (n: number) => ({
      and: Array.from({ length: n }, (_, i) => ({ gt: [{ field: 'close' }, i] })),
    });
    expect(1 + 3 * 85).toBe(DOCUMENT_LIMITS.maxNodes);
    // The example's constant confidence is one node more.
    expect(validateStrategyDocument(withRule(comparisons(85), { confidence: undefined }))).toEqual([]);
    const problems = validateStrategyDocument(withRule(comparisons(85), { confidence: 0.5 }));
    expect(problems).toEqual([{ path: '', message: expect.stringMatching(/257 .*nodes: at most 256/) }]);
    // Nodes add up over every rule.
    const rules = Array.from({ length: 4 }, (_, i) => ({ id: `r${i}`, side: 'BUY', when: comparisons(30) }));
    expect(paths(validateStrategyDocument(doc({ rules })))).toEqual(['']);
  });

  it('escapes JSON pointer tokens', () => {
    const problems = validateStrategyDocument(doc({ 'a/b~c': 1 }));
    expect(paths(problems)).toEqual(['/a~1b~0c']);
  });

  it('leaves the input as it was', () => {
    const input = doc({ extra: 1, rules: [{ id: 'a', side: 'BUY', when: { gt: [{ ind: 'x' }, 1] } }] });
    const before = JSON.stringify(input);
    const frozen = Object.freeze(input);
    expect(validateStrategyDocument(frozen)).not.toEqual([]);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('exposes the indicator names', () => {
    const document = templateById('rsi-reversion')?.document;
    expect(document && documentIndicatorNames(document)).toEqual(['rsi', 'rsiLow', 'rsiHigh', 'atr']);
    expect(isValidStrategyDocument(EXAMPLE)).toBe(true);
  });
});

describe('validateStrategyDocument on junk', () => {
  const deepArray = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i += 1) value = [value];
    return value;
  };
  const deepCondition = (levels: number): unknown => {
    let value: unknown = { gt: [1, 2] };
    for (let i = 0; i < levels; i += 1) value = { not: value };
    return value;
  };
  const deepExpr = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i += 1) value = { add: [value, 1] };
    return value;
  };
  const cyclic: Doc = doc();
  cyclic['rules'] = [{ id: 'a', side: 'BUY', when: cyclic }];
  const throwing = Object.defineProperty(doc(), 'rules', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const manyIndicators = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`i${i}`, { type: 'OBV' }]));

  const junk: readonly (readonly [string, unknown])[] = [
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['0', 0],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', 'strategy'],
    ['a bigint', 10n],
    ['a symbol', Symbol('x')],
    ['a function', () => 1],
    ['an empty array', []],
    ['an empty object', {}],
    ['a Date', new Date(0)],
    ['a Map', new Map([['version', 1]])],
    ['an object without a prototype', Object.create(null)],
    ['an array of every type', [null, 1, 'a', true, {}, [], undefined]],
    ['10,000 nested arrays', deepArray(10_000)],
    ['10,000 nested conditions in a rule', withRule(deepCondition(10_000))],
    ['10,000 nested expressions in the confidence', doc({ confidence: deepExpr(10_000) })],
    ['a million rules', doc({ rules: Array.from({ length: 1_000_000 }, () => ({ id: 'a' })) })],
    ['a huge and', withRule({ and: Array.from({ length: 15_000 }, () => ({ gt: [1, 2] })) })],
    ['50,000 indicators', doc({ indicators: manyIndicators })],
    ['a long string', doc({ interval: 'x'.repeat(5_000_000) })],
    ['a cyclic object', cyclic],
    ['a throwing getter', throwing],
    ['a revoked proxy', revoked.proxy],
    ['NaN and Infinity inside', doc({ confidence: Number.NaN, cooldownBars: Number.POSITIVE_INFINITY })],
    ['__proto__ keys', JSON.parse('{"version":1,"__proto__":{"polluted":true},"indicators":{"__proto__":{}}}')],
  ];

  it.each(junk)('%s: problems, no exception', (_, value) => {
    const result = validateStrategyDocument(value);
    expect(Array.isArray(result)).toBe(true);
    expect(result.length).toBeGreaterThan(0);
    expect(result.length).toBeLessThanOrEqual(201);
    for (const problem of result) {
      expect(typeof problem.path).toBe('string');
      expect(problem.message.length).toBeGreaterThan(0);
      expect(problem.message.length).toBeLessThan(600);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('says where a document is nested too deeply', () => {
    const problems = validateStrategyDocument(withRule(deepCondition(10_000)));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toMatch(/^\/rules\/0\/when(\/not)+$/);
    expect(problems[0]?.message).toMatch(/nested too deeply/);
  });

  it('JSON values of every type in every place never throw', () => {
    const values: unknown[] = [null, true, -1, 0, 1.5, 1e308, '', 'close', [], [1, 2], {}, { ind: 'fast' }];
    const places = ['version', 'interval', 'indicators', 'rules', 'stopLoss', 'takeProfit', 'sizing', 'confidence'];
    for (const place of places) {
      for (const value of values) {
        expect(validateStrategyDocument(doc({ [place]: value }))).toBeInstanceOf(Array);
        expect(validateStrategyDocument(withRule(value))).toBeInstanceOf(Array);
        expect(validateStrategyDocument(withRule({ gt: [value, value] }))).toBeInstanceOf(Array);
        expect(
          validateStrategyDocument(doc({ indicators: { x: { type: 'EMA', period: value, source: value } } })),
        ).toBeInstanceOf(Array);
      }
    }
  });
});

describe('model documents and features', () => {
  const pin = { name: 'example-logreg', version: 1, checksum: `sha256:${'a'.repeat(64)}` };
  const modelDocument = (extra: Record<string, unknown> = {}) => ({
    version: 1,
    interval: '1m',
    indicators: {},
    rules: [{ id: 'up', side: 'BUY', when: { gt: [{ model: 'up' }, 0.6] }, confidence: { model: 'up' } }],
    stopLoss: { percent: 1 },
    takeProfit: { percent: 2 },
    model: pin,
    ...extra,
  });
  const definition = {
    ...pin,
    features: { indicators: {}, inputs: [{ name: 'close', value: { field: 'close' as const } }] },
    outputs: ['up', 'down'],
  };

  it('accepts a document reading its model, and checks the output names against the model when it is known', () => {
    expect(validateStrategyDocument(modelDocument())).toEqual([]);
    expect(validateStrategyDocument(modelDocument(), { model: definition })).toEqual([]);
    const wrong = modelDocument({
      rules: [{ id: 'up', side: 'BUY', when: { gt: [{ model: 'higher' }, 0.6] }, confidence: { model: 'p' } }],
    });
    expect(validateStrategyDocument(wrong, { model: definition })).toEqual([
      {
        path: '/rules/0/when/gt/0/model',
        message: 'model "example-logreg" v1 has the outputs "up", "down" (got "higher")',
      },
      {
        path: '/rules/0/confidence/model',
        message: 'model "example-logreg" v1 has the outputs "up", "down" (got "p")',
      },
    ]);
  });

  it('refuses a model output in a document that names no model, and a malformed pin', () => {
    const { model: _, ...noModel } = modelDocument();
    expect(validateStrategyDocument(noModel)).toEqual([
      {
        path: '/rules/0/when/gt/0/model',
        message: 'the document names no model: add "model" (a registered version, see Query.models)',
      },
      {
        path: '/rules/0/confidence/model',
        message: 'the document names no model: add "model" (a registered version, see Query.models)',
      },
    ]);
    expect(validateStrategyDocument(modelDocument({ model: { ...pin, checksum: 'md5:1', version: 0 } }))).toEqual([
      { path: '/model/version', message: 'must be at least 1 (got 0)' },
      { path: '/model/checksum', message: 'must match ^sha256:[0-9a-f]{64}$' },
    ]);
  });

  it('checks model features: schema, indicator references, unique names, and no model inside', () => {
    expect(validateModelFeatures(EXAMPLE_MODEL_FEATURES)).toEqual([]);
    expect(
      validateModelFeatures({
        indicators: { rsi: { type: 'RSI', period: 14 } },
        inputs: [
          { name: 'a', value: { ind: 'ema' } },
          { name: 'a', value: { model: 'up' } },
          { name: 'b', value: { field: 'price' } },
        ],
      }),
    ).toEqual([
      { path: '/inputs/2/value/field', message: expect.stringMatching(/^must be one of "open"/) },
      { path: '/inputs/0/value/ind', message: 'no indicator is named "ema" (defined: "rsi")' },
      { path: '/inputs/1/name', message: 'duplicates the name of input 0: input names must be unique' },
      { path: '/inputs/1/value/model', message: "a model's input cannot read a model's output" },
    ]);
    expect(validateModelFeatures({ indicators: {}, inputs: [] })).toEqual([
      { path: '/inputs', message: 'must have at least 1 modelInput' },
    ]);
  });
});
