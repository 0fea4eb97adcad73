import { STRATEGY_TYPES, type StrategyParameters, type StrategyType } from '@alphintra/core';

/** Parameters of `EMA_CROSSOVER`, defaults filled in (a type alias, so it is a plain record too). */
export type EmaCrossoverParameters = {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly atrPeriod: number;
  readonly stopLossAtr: number;
  readonly takeProfitAtr: number;
  readonly quantity?: number;
};

/** Parameters of `RSI_REVERSION`, defaults filled in. */
export type RsiReversionParameters = {
  readonly period: number;
  readonly oversold: number;
  readonly overbought: number;
  readonly atrPeriod: number;
  readonly stopLossAtr: number;
  readonly takeProfitAtr: number;
  readonly quantity?: number;
};

/** The resolved parameters of a strategy type. */
export type ParametersOf<T extends StrategyType> = T extends 'EMA_CROSSOVER'
  ? EmaCrossoverParameters
  : RsiReversionParameters;

/** One reason a parameter set is invalid; `field` is the parameter name (`fastPeriod`), or `type`. */
export interface ParameterProblem {
  readonly field: string;
  readonly message: string;
}

type ParameterKind = 'period' | 'threshold' | 'multiplier' | 'quantity';

const DEFAULTS = {
  EMA_CROSSOVER: { fastPeriod: 9, slowPeriod: 21, atrPeriod: 14, stopLossAtr: 2, takeProfitAtr: 3 },
  RSI_REVERSION: { period: 14, oversold: 30, overbought: 70, atrPeriod: 14, stopLossAtr: 1.5, takeProfitAtr: 2 },
} as const satisfies Record<StrategyType, StrategyParameters>;

const KINDS = {
  EMA_CROSSOVER: {
    fastPeriod: 'period',
    slowPeriod: 'period',
    atrPeriod: 'period',
    stopLossAtr: 'multiplier',
    takeProfitAtr: 'multiplier',
    quantity: 'quantity',
  },
  RSI_REVERSION: {
    period: 'period',
    oversold: 'threshold',
    overbought: 'threshold',
    atrPeriod: 'period',
    stopLossAtr: 'multiplier',
    takeProfitAtr: 'multiplier',
    quantity: 'quantity',
  },
} as const satisfies Record<StrategyType, Readonly<Record<string, ParameterKind>>>;

function isStrategyType(value: unknown): value is StrategyType {
  return (STRATEGY_TYPES as readonly unknown[]).includes(value);
}

/** The default parameters of a strategy type (a fresh object; `quantity` has no default). */
export function defaultParameters<T extends StrategyType>(type: T): ParametersOf<T> {
  return { ...DEFAULTS[type] } as ParametersOf<T>;
}

/** The names a strategy type accepts, in a stable order. */
export function parameterNames(type: StrategyType): readonly string[] {
  return Object.keys(KINDS[type]);
}

/**
 * Checks a parameter set as a user would send it (partial: missing names take their defaults) and returns every
 * problem found; an empty list means valid. Cross-field rules are checked on the merged values.
 */
export function validateStrategyParameters(
  type: StrategyType,
  params: Readonly<Record<string, unknown>>,
): ParameterProblem[] {
  if (!isStrategyType(type)) {
    return [{ field: 'type', message: `unknown strategy type ${JSON.stringify(type)}` }];
  }
  const kinds: Readonly<Record<string, ParameterKind>> = KINDS[type];
  const problems: ParameterProblem[] = [];
  const valid = new Set<string>();
  for (const [field, value] of Object.entries(params)) {
    const kind = kinds[field];
    if (kind === undefined) {
      problems.push({
        field,
        message: `unknown parameter for ${type}; expected one of ${Object.keys(kinds).join(', ')}`,
      });
      continue;
    }
    const message = checkValue(kind, value);
    if (message === null) valid.add(field);
    else problems.push({ field, message });
  }

  // Cross-field rules only make sense once both sides are individually valid.
  const merged: Readonly<Record<string, unknown>> = { ...DEFAULTS[type], ...params };
  const bothValid = (a: string, b: string) => (valid.has(a) || !(a in params)) && (valid.has(b) || !(b in params));
  if (type === 'EMA_CROSSOVER' && bothValid('fastPeriod', 'slowPeriod')) {
    const fast = merged['fastPeriod'] as number;
    const slow = merged['slowPeriod'] as number;
    if (fast >= slow) {
      problems.push({ field: 'fastPeriod', message: `must be less than slowPeriod (${fast} >= ${slow})` });
    }
  }
  if (type === 'RSI_REVERSION' && bothValid('oversold', 'overbought')) {
    const oversold = merged['oversold'] as number;
    const overbought = merged['overbought'] as number;
    if (oversold >= overbought) {
      problems.push({ field: 'oversold', message: `must be less than overbought (${oversold} >= ${overbought})` });
    }
  }
  return problems;
}

function checkValue(kind: ParameterKind, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  switch (kind) {
    case 'period':
      return Number.isInteger(value) && value > 0 ? null : 'must be a positive integer';
    case 'threshold':
      return value > 0 && value < 100 ? null : 'must be between 0 and 100 (exclusive)';
    case 'multiplier':
      return value > 0 ? null : 'must be greater than 0';
    case 'quantity':
      return value > 0 ? null : 'must be greater than 0';
  }
}

/**
 * Merges a parameter set over the type's defaults. Expects parameters that passed `validateStrategyParameters`;
 * throws a `RangeError` listing the problems otherwise, so an invalid set never reaches an indicator.
 */
export function resolveParameters<T extends StrategyType>(type: T, params: StrategyParameters): ParametersOf<T> {
  const problems = validateStrategyParameters(type, params);
  if (problems.length > 0) {
    throw new RangeError(
      `invalid ${type} parameters: ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`,
    );
  }
  return { ...DEFAULTS[type], ...params } as ParametersOf<T>;
}
