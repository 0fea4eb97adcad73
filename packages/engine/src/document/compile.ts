import {
  type Condition,
  DOCUMENT_LIMITS,
  type DocumentProblem,
  type EntryRule,
  type Expr,
  type IndicatorSpec,
  type LevelSpec,
  type ModelDefinition,
  type SignalAction,
  type StrategyDocument,
} from '@alphintra/core';
import { ModelOutputs } from '../model/model.ts';
import {
  type IndicatorGraph,
  type IndicatorNode,
  NODE_HISTORY,
  NODE_OUTPUTS,
  type NodeInput,
  type NodeKind,
  type NodeSpec,
  nodeSpec,
  nodeWarmUp,
} from './indicators.ts';

/** Default confidence and signal lifetime of a document that states none. */
export const DEFAULT_CONFIDENCE = 0.5;
export const DEFAULT_LIFETIME_BARS = 1;

/** What a document decides on one candle: the rule that fired and the levels, size and confidence of the signal. */
export interface Decision {
  readonly rule: string;
  readonly action: SignalAction;
  readonly entry: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  /** Base-asset quantity; null without sizing. */
  readonly quantity: number | null;
  /** 0..1 */
  readonly confidence: number;
  /** The rule's indicators, by document name (`name.out` for a named output), at this candle; null = unknown. */
  readonly indicators: readonly { readonly name: string; readonly value: number | null }[];
}

/** A document bound to one series' indicator graph. */
export interface DocumentEvaluator {
  /** Evaluates the rules on the graph's latest candle (whose close is the entry); null when none fires. */
  evaluate(): Decision | null;
  /**
   * Writes the model's features on the graph's latest candle into `row` from `offset`; false when one is not known
   * yet (or not finite), and then the model is not run for this candle.
   */
  features(row: Float32Array, offset: number): boolean;
  /** Gives back every node this evaluator acquired. */
  release(): void;
}

/** A document compiled once per version: its indicator nodes and a factory of evaluators. */
export interface CompiledDocument {
  readonly document: StrategyDocument;
  /** Every node the document uses, sources first, each once. */
  readonly nodes: readonly NodeSpec[];
  /** Candles back the conditions read, beyond the current one (`ago`, crossings, `forBars`). */
  readonly depth: number;
  /** See `documentLookback`. */
  readonly lookback: number;
  readonly cooldownBars: number;
  readonly lifetimeBars: number;
  /** The model the document's rules read (its features are among `nodes`); null for a rule strategy. */
  readonly model: ModelDefinition | null;
  /**
   * Acquires the document's nodes in `graph` (adopting `donor`'s when missing) and returns an evaluator on them;
   * a model document's evaluator reads the model's answers from `outputs`.
   */
  bind(graph: IndicatorGraph, donor?: IndicatorGraph, outputs?: ModelOutputs): DocumentEvaluator;
}

export type CompileResult =
  | { readonly ok: true; readonly compiled: CompiledDocument }
  | { readonly ok: false; readonly problems: readonly DocumentProblem[] };

/** Thrown inside the compiler for the first problem found; a valid document never raises it. */
class CompileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a value; `o` is the candle offset (0 = the current candle). NaN = unknown. */
type Value = (o: number) => number;
type Test = (o: number) => boolean;
/** A reference resolved against a graph at bind time. */
type Binder<T> = (graph: IndicatorGraph, nodes: ReadonlyMap<string, ValueSource>) => T;

/** What a bound reference reads: an indicator node, or the runner's model outputs. */
interface ValueSource {
  value(out: number, ago: number): number;
}

/** The key the model's outputs are bound under (no indicator key starts with a NUL). */
const MODEL_SOURCE = '\u0000model';

/**
 * Compiles a document into an evaluator factory. The document should have passed the validator; the compiler
 * checks again what it relies on (references, outputs, cycles, bounds) and reports the first problem it meets. A
 * document that pins a model needs that model's definition.
 */
export function compileDocument(document: StrategyDocument, model?: ModelDefinition): CompileResult {
  try {
    return { ok: true, compiled: compile(document, model ?? null) };
  } catch (error) {
    if (error instanceof CompileError) return { ok: false, problems: [{ path: error.path, message: error.message }] };
    return { ok: false, problems: [{ path: '', message: error instanceof Error ? error.message : String(error) }] };
  }
}

/**
 * Candles a document needs before every indicator is warm and its conditions can look back as far as they read:
 * the platform warms a new version on that many stored candles. Recursive indicators (EMA, RSI, ATR, MACD) keep
 * converging after it, so more history only makes a warmed-up version closer to one that ran all along.
 */
export function documentLookback(document: StrategyDocument, model?: ModelDefinition): number {
  return compile(document, model ?? null).lookback;
}

function compile(document: StrategyDocument, given: ModelDefinition | null): CompiledDocument {
  const specs = resolveIndicators(document.indicators, '/indicators');
  const model = modelOf(document, given);
  const featureContext: Context = {
    document,
    specs: model === null ? new Map() : resolveIndicators(model.features.indicators, '/model/features/indicators'),
    nodeCount: 0,
    model: null,
  };
  const features = (model?.features.inputs ?? []).map((input, i) =>
    compileExpr(input.value, `/model/features/inputs/${i}/value`, featureContext, 0),
  );
  const featureDepth = Math.max(0, ...features.map((f) => f.depth));
  const nodes: NodeSpec[] = [];
  const seen = new Set<string>();
  const collect = (spec: NodeSpec): void => {
    if (seen.has(spec.key)) return;
    if (spec.input !== null && 'node' in spec.input) collect(spec.input.node);
    seen.add(spec.key);
    nodes.push(spec);
  };
  for (const spec of specs.values()) collect(spec);
  for (const spec of featureContext.specs.values()) collect(spec);

  const context: Context = { document, specs, nodeCount: 0, model };
  if (document.rules.length === 0) throw new CompileError('/rules', 'a document needs at least one rule');
  if (document.rules.length > DOCUMENT_LIMITS.maxRules) {
    throw new CompileError('/rules', `at most ${DOCUMENT_LIMITS.maxRules} rules`);
  }
  const rules = document.rules.map((rule, i) => compileRule(rule, `/rules/${i}`, context));
  const stopLoss = compileLevel(document.stopLoss, '/stopLoss', context);
  const takeProfit = compileLevel(document.takeProfit, '/takeProfit', context);
  const confidence = compileExpr(document.confidence ?? DEFAULT_CONFIDENCE, '/confidence', context, 0);
  if (context.nodeCount > DOCUMENT_LIMITS.maxNodes) {
    throw new CompileError('', `${context.nodeCount} expression nodes; at most ${DOCUMENT_LIMITS.maxNodes}`);
  }
  const depth = Math.max(
    ...rules.map((rule) => rule.depth),
    stopLoss.depth,
    takeProfit.depth,
    confidence.depth,
    featureDepth,
  );
  if (depth >= NODE_HISTORY) {
    throw new CompileError('/rules', `the conditions look back ${depth} candles; at most ${NODE_HISTORY - 1}`);
  }
  const cooldownBars = wholeNumber(document.cooldownBars ?? 0, '/cooldownBars', 0, DOCUMENT_LIMITS.maxCooldownBars);
  const lifetimeBars = wholeNumber(
    document.lifetimeBars ?? DEFAULT_LIFETIME_BARS,
    '/lifetimeBars',
    1,
    DOCUMENT_LIMITS.maxLifetimeBars,
  );
  const sizing = document.sizing;
  if (sizing !== undefined) {
    const amount =
      'quantity' in sizing ? sizing.quantity : 'quoteAmount' in sizing ? sizing.quoteAmount : sizing.riskAmount;
    if (!(amount > 0 && amount <= DOCUMENT_LIMITS.maxAmount)) {
      throw new CompileError('/sizing', `the amount must be > 0 and at most ${DOCUMENT_LIMITS.maxAmount}`);
    }
  }
  const warmUp = Math.max(1, ...nodes.map(nodeWarmUp));
  // A model strategy's explanation lists every feature and every model output, then the rule's own references.
  const modelExplain: CompiledExpr['refs'] =
    model === null
      ? []
      : [
          ...model.features.inputs.map((input, i) => ({
            name: input.name,
            value: (features[i] as CompiledExpr).value,
          })),
          ...model.outputs.map((name, out) => ({ name: `model.${name}`, value: modelValue(out, 0) })),
        ];

  return {
    document,
    nodes,
    depth,
    lookback: warmUp + featureDepth + depth,
    cooldownBars,
    lifetimeBars,
    model,
    bind(graph, donor, outputs) {
      const bound = new Map<string, ValueSource>();
      for (const spec of nodes) bound.set(spec.key, graph.acquire(spec, donor));
      if (model !== null) bound.set(MODEL_SOURCE, outputs ?? new ModelOutputs(model.outputs.length));
      const boundFeatures = features.map((feature) => feature.value(graph, bound));
      const boundRules = rules.map((rule) => ({
        id: rule.id,
        action: rule.action,
        when: rule.when(graph, bound),
        confidence: rule.confidence === null ? null : rule.confidence.value(graph, bound),
        explain: explanationOf(modelExplain, rule.explain).map(({ name, value }) => ({
          name,
          value: value(graph, bound),
        })),
      }));
      const stop = stopLoss.bind(graph, bound);
      const target = takeProfit.bind(graph, bound);
      const confidenceOf = confidence.value(graph, bound);
      const close: Value = (o) => graph.field('close', o);
      let released = false;
      return {
        evaluate() {
          for (const rule of boundRules) {
            if (!rule.when(0)) continue;
            const entry = close(0);
            const direction = rule.action === 'BUY' ? 1 : -1;
            const stopLevel = stop(entry, -direction);
            const targetLevel = target(entry, direction);
            // A level on the wrong side of the entry (or unknown) leaves no trade to describe.
            if (!(direction * (entry - stopLevel) > 0) || !(direction * (targetLevel - entry) > 0)) return null;
            const raw = (rule.confidence ?? confidenceOf)(0);
            return {
              rule: rule.id,
              action: rule.action,
              entry,
              stopLoss: stopLevel,
              takeProfit: targetLevel,
              quantity: sizeOf(sizing, entry, stopLevel),
              confidence: Number.isNaN(raw) ? DEFAULT_CONFIDENCE : Math.min(1, Math.max(0, raw)),
              indicators: rule.explain.map(({ name, value }) => {
                const v = value(0);
                return { name, value: Number.isNaN(v) ? null : v };
              }),
            };
          }
          return null;
        },
        features(row, offset) {
          for (let i = 0; i < boundFeatures.length; i++) {
            const value = (boundFeatures[i] as Value)(0);
            if (!Number.isFinite(value)) return false;
            row[offset + i] = value;
          }
          return true;
        },
        release() {
          if (released) return;
          released = true;
          for (const spec of nodes) graph.release(spec);
        },
      };
    },
  };
}

function sizeOf(sizing: StrategyDocument['sizing'], entry: number, stop: number): number | null {
  if (sizing === undefined) return null;
  if ('quantity' in sizing) return sizing.quantity;
  if ('quoteAmount' in sizing) return sizing.quoteAmount / entry;
  return sizing.riskAmount / Math.abs(entry - stop);
}

interface Context {
  readonly document: StrategyDocument;
  readonly specs: ReadonlyMap<string, NodeSpec>;
  nodeCount: number;
  /** The model `{ "model": name }` reads; null where no model may be read (features, rule documents). */
  readonly model: ModelDefinition | null;
}

/** The model a document pins, which must be the one given (same name, version and checksum). */
function modelOf(document: StrategyDocument, given: ModelDefinition | null): ModelDefinition | null {
  const pin = document.model;
  if (pin === undefined) return null;
  if (given === null) throw new CompileError('/model', `model "${pin.name}" v${pin.version} is not loaded`);
  if (given.name !== pin.name || given.version !== pin.version) {
    throw new CompileError(
      '/model',
      `the model given is "${given.name}" v${given.version}, not "${pin.name}" v${pin.version}`,
    );
  }
  if (given.checksum !== pin.checksum) {
    throw new CompileError('/model/checksum', `model "${pin.name}" v${pin.version} has checksum ${given.checksum}`);
  }
  return given;
}

/** Reads output `out` of the bound model outputs, `ago` candles back. */
function modelValue(out: number, ago: number): Binder<Value> {
  return (_, nodes) => {
    const outputs = nodes.get(MODEL_SOURCE) as ValueSource;
    return (o) => outputs.value(out, o + ago);
  };
}

function explanationOf(first: CompiledExpr['refs'], then: CompiledExpr['refs']): CompiledExpr['refs'] {
  const byName = new Map<string, CompiledExpr['refs'][number]>();
  for (const ref of [...first, ...then]) if (!byName.has(ref.name)) byName.set(ref.name, ref);
  return [...byName.values()];
}

/** Resolves the named indicators to node specs (their sources first), refusing cycles and unknown names. */
function resolveIndicators(indicators: Readonly<Record<string, IndicatorSpec>>, base: string): Map<string, NodeSpec> {
  const names = Object.keys(indicators);
  if (names.length > DOCUMENT_LIMITS.maxIndicators) {
    throw new CompileError(base, `at most ${DOCUMENT_LIMITS.maxIndicators} indicators`);
  }
  const resolved = new Map<string, NodeSpec>();
  const resolving = new Set<string>();
  const resolve = (name: string, path: string): NodeSpec => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const indicator = Object.hasOwn(indicators, name) ? indicators[name] : undefined;
    if (indicator === undefined) throw new CompileError(path, `no indicator named "${name}"`);
    if (resolving.has(name)) throw new CompileError(`${base}/${name}/source`, `"${name}" depends on itself`);
    resolving.add(name);
    const spec = toNodeSpec(indicator, `${base}/${name}`, resolve);
    resolving.delete(name);
    resolved.set(name, spec);
    return spec;
  };
  for (const name of names) resolve(name, `${base}/${name}`);
  return resolved;
}

function toNodeSpec(
  indicator: IndicatorSpec,
  path: string,
  resolve: (name: string, path: string) => NodeSpec,
): NodeSpec {
  const period = (value: number, at: string): number =>
    wholeNumber(value, `${path}/${at}`, 1, DOCUMENT_LIMITS.maxPeriod);
  const source = (): NodeInput => {
    const src = 'source' in indicator ? (indicator.source ?? 'close') : 'close';
    if (typeof src === 'string') return { field: src };
    const node = resolve(src.ind, `${path}/source/ind`);
    return { node, out: outputName(node.kind, src.out, `${path}/source/out`) };
  };
  switch (indicator.type) {
    case 'SMA':
    case 'EMA':
    case 'WMA':
    case 'RSI':
    case 'ROC':
    case 'HIGHEST':
    case 'LOWEST':
      return nodeSpec(indicator.type, [period(indicator.period, 'period')], source());
    case 'MACD':
      return nodeSpec(
        'MACD',
        [period(indicator.fast, 'fast'), period(indicator.slow, 'slow'), period(indicator.signal, 'signal')],
        source(),
      );
    case 'BBANDS': {
      if (!(indicator.stdDev > 0 && indicator.stdDev <= DOCUMENT_LIMITS.maxMultiple)) {
        throw new CompileError(`${path}/stdDev`, `stdDev must be > 0 and at most ${DOCUMENT_LIMITS.maxMultiple}`);
      }
      return nodeSpec('BBANDS', [period(indicator.period, 'period'), indicator.stdDev], source());
    }
    case 'ATR':
      return nodeSpec('ATR', [period(indicator.period, 'period')], null);
    case 'STOCH':
      return nodeSpec('STOCH', [period(indicator.k, 'k'), period(indicator.d, 'd')], null);
    case 'VWAP':
      return nodeSpec('VWAP', [period(indicator.period, 'period')], null);
    case 'OBV':
      return nodeSpec('OBV', [], null);
    case 'VOLUME_SMA':
      return nodeSpec('SMA', [period(indicator.period, 'period')], { field: 'volume' });
    default:
      throw new CompileError(`${path}/type`, `unknown indicator type "${(indicator as { type: unknown }).type}"`);
  }
}

function outputName(kind: NodeKind, out: string | undefined, path: string): string {
  const outputs = NODE_OUTPUTS[kind];
  if (out === undefined) return outputs[0] as string;
  if (outputs.length === 1 || !outputs.includes(out)) {
    throw new CompileError(
      path,
      `${kind} has ${outputs.length === 1 ? 'no named outputs' : `outputs ${outputs.join(', ')}`}`,
    );
  }
  return out;
}

function wholeNumber(value: number, path: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CompileError(path, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

interface CompiledExpr {
  readonly value: Binder<Value>;
  /** Candles back it reads. */
  readonly depth: number;
  /** Indicator references, in order of appearance, as the explanation names them. */
  readonly refs: readonly { readonly name: string; readonly value: Binder<Value> }[];
}

function compileExpr(expr: Expr, path: string, context: Context, level: number): CompiledExpr {
  if (level > DOCUMENT_LIMITS.maxDepth) throw new CompileError(path, `nested deeper than ${DOCUMENT_LIMITS.maxDepth}`);
  context.nodeCount++;
  if (typeof expr === 'number') {
    if (!Number.isFinite(expr)) throw new CompileError(path, 'not a finite number');
    return { value: () => () => expr, depth: 0, refs: [] };
  }
  if ('field' in expr) {
    const ago = agoOf(expr.ago, `${path}/ago`);
    const field = expr.field;
    return { value: (graph) => (o) => graph.field(field, o + ago), depth: ago, refs: [] };
  }
  if ('ind' in expr) {
    const ago = agoOf(expr.ago, `${path}/ago`);
    const spec = context.specs.get(expr.ind);
    if (spec === undefined) throw new CompileError(`${path}/ind`, `no indicator named "${expr.ind}"`);
    const out = NODE_OUTPUTS[spec.kind].indexOf(outputName(spec.kind, expr.out, `${path}/out`));
    const key = spec.key;
    const at =
      (offset: number): Binder<Value> =>
      (_, nodes) => {
        const node = nodes.get(key) as IndicatorNode;
        return (o) => node.value(out, o + offset);
      };
    const name = expr.out === undefined ? expr.ind : `${expr.ind}.${expr.out}`;
    return { value: at(ago), depth: ago, refs: [{ name, value: at(0) }] };
  }
  if ('model' in expr) {
    const ago = agoOf(expr.ago, `${path}/ago`);
    const model = context.model;
    if (model === null) throw new CompileError(`${path}/model`, 'only a document that names a model can read one');
    const out = model.outputs.indexOf(expr.model);
    if (out < 0) {
      throw new CompileError(`${path}/model`, `model "${model.name}" has the outputs ${model.outputs.join(', ')}`);
    }
    return {
      value: modelValue(out, ago),
      depth: ago,
      refs: [{ name: `model.${expr.model}`, value: modelValue(out, 0) }],
    };
  }
  if ('abs' in expr) {
    const inner = compileExpr(expr.abs, `${path}/abs`, context, level + 1);
    return {
      value: (g, n) => {
        const v = inner.value(g, n);
        return (o) => Math.abs(v(o));
      },
      depth: inner.depth,
      refs: inner.refs,
    };
  }
  const [op, operands] = binaryOf(expr, path);
  const a = compileExpr(operands[0], `${path}/${op}/0`, context, level + 1);
  const b = compileExpr(operands[1], `${path}/${op}/1`, context, level + 1);
  const combine = BINARY[op];
  return {
    value: (g, n) => {
      const x = a.value(g, n);
      const y = b.value(g, n);
      return (o) => combine(x(o), y(o));
    },
    depth: Math.max(a.depth, b.depth),
    refs: [...a.refs, ...b.refs],
  };
}

const BINARY = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  // A zero divisor makes the value unknown rather than infinite.
  div: (x: number, y: number) => (y === 0 ? Number.NaN : x / y),
  // Math.min/max already propagate NaN (unknown).
  min: (x: number, y: number) => Math.min(x, y),
  max: (x: number, y: number) => Math.max(x, y),
} as const;

function binaryOf(expr: Expr, path: string): [keyof typeof BINARY, readonly [Expr, Expr]] {
  for (const op of Object.keys(BINARY) as (keyof typeof BINARY)[]) {
    if (typeof expr === 'object' && op in expr) {
      const operands = (expr as Record<string, unknown>)[op];
      if (Array.isArray(operands) && operands.length === 2) return [op, operands as unknown as readonly [Expr, Expr]];
      throw new CompileError(`${path}/${op}`, 'needs two operands');
    }
  }
  throw new CompileError(path, 'not an expression');
}

function agoOf(ago: number | undefined, path: string): number {
  return wholeNumber(ago ?? 0, path, 0, DOCUMENT_LIMITS.maxAgo);
}

interface CompiledCondition {
  readonly test: Binder<Test>;
  readonly depth: number;
  readonly refs: CompiledExpr['refs'];
}

const COMPARISONS = {
  gt: (x: number, y: number) => x > y,
  gte: (x: number, y: number) => x >= y,
  lt: (x: number, y: number) => x < y,
  lte: (x: number, y: number) => x <= y,
} as const;

/**
 * Conditions are two-valued like TradingView's: a comparison with an unknown (NaN) operand is false, so `not` of it
 * is true; a crossing needs both sides known on this candle and the previous one.
 */
function compileCondition(cond: Condition, path: string, context: Context, level: number): CompiledCondition {
  if (level > DOCUMENT_LIMITS.maxDepth) throw new CompileError(path, `nested deeper than ${DOCUMENT_LIMITS.maxDepth}`);
  context.nodeCount++;
  const exprs = (key: string, operands: readonly Expr[]): CompiledExpr[] =>
    operands.map((e, i) => compileExpr(e, `${path}/${key}/${i}`, context, level + 1));
  const merge = (parts: readonly { depth: number; refs: CompiledExpr['refs'] }[], extra = 0) => ({
    depth: Math.max(0, ...parts.map((p) => p.depth)) + extra,
    refs: parts.flatMap((p) => p.refs),
  });

  if ('crossesAbove' in cond || 'crossesBelow' in cond) {
    const above = 'crossesAbove' in cond;
    const key = above ? 'crossesAbove' : 'crossesBelow';
    const [a, b] = exprs(
      key,
      pair(
        above
          ? (cond as { crossesAbove: readonly Expr[] }).crossesAbove
          : (cond as { crossesBelow: readonly Expr[] }).crossesBelow,
        `${path}/${key}`,
        2,
      ),
    ) as [CompiledExpr, CompiledExpr];
    return {
      test: (g, n) => {
        const x = a.value(g, n);
        const y = b.value(g, n);
        return above ? (o) => x(o) > y(o) && x(o + 1) <= y(o + 1) : (o) => x(o) < y(o) && x(o + 1) >= y(o + 1);
      },
      ...merge([a, b], 1),
    };
  }
  for (const op of Object.keys(COMPARISONS) as (keyof typeof COMPARISONS)[]) {
    if (op in cond) {
      const [a, b] = exprs(op, pair((cond as Record<string, readonly Expr[]>)[op], `${path}/${op}`, 2)) as [
        CompiledExpr,
        CompiledExpr,
      ];
      const compare = COMPARISONS[op];
      return {
        test: (g, n) => {
          const x = a.value(g, n);
          const y = b.value(g, n);
          return (o) => compare(x(o), y(o));
        },
        ...merge([a, b]),
      };
    }
  }
  if ('between' in cond) {
    const [v, low, high] = exprs('between', pair(cond.between, `${path}/between`, 3)) as [
      CompiledExpr,
      CompiledExpr,
      CompiledExpr,
    ];
    return {
      test: (g, n) => {
        const x = v.value(g, n);
        const lo = low.value(g, n);
        const hi = high.value(g, n);
        return (o) => {
          const value = x(o);
          return lo(o) <= value && value <= hi(o);
        };
      },
      ...merge([v, low, high]),
    };
  }
  if ('and' in cond || 'or' in cond) {
    const all = 'and' in cond;
    const key = all ? 'and' : 'or';
    const list = all ? (cond as { and: readonly Condition[] }).and : (cond as { or: readonly Condition[] }).or;
    if (!Array.isArray(list) || list.length === 0) throw new CompileError(`${path}/${key}`, 'needs conditions');
    const parts = list.map((c, i) => compileCondition(c, `${path}/${key}/${i}`, context, level + 1));
    return {
      test: (g, n) => {
        const tests = parts.map((p) => p.test(g, n));
        return all ? (o) => tests.every((t) => t(o)) : (o) => tests.some((t) => t(o));
      },
      ...merge(parts),
    };
  }
  if ('not' in cond) {
    const inner = compileCondition(cond.not, `${path}/not`, context, level + 1);
    return {
      test: (g, n) => {
        const t = inner.test(g, n);
        return (o) => !t(o);
      },
      depth: inner.depth,
      refs: inner.refs,
    };
  }
  if ('forBars' in cond) {
    const bars = wholeNumber(cond.forBars.bars, `${path}/forBars/bars`, 1, DOCUMENT_LIMITS.maxAgo);
    const inner = compileCondition(cond.forBars.cond, `${path}/forBars/cond`, context, level + 1);
    return {
      test: (g, n) => {
        const t = inner.test(g, n);
        return (o) => {
          for (let i = 0; i < bars; i++) if (!t(o + i)) return false;
          return true;
        };
      },
      depth: inner.depth + bars - 1,
      refs: inner.refs,
    };
  }
  throw new CompileError(path, 'not a condition');
}

function pair(operands: readonly Expr[] | undefined, path: string, count: number): readonly Expr[] {
  if (!Array.isArray(operands) || operands.length !== count) throw new CompileError(path, `needs ${count} operands`);
  return operands;
}

interface CompiledRule {
  readonly id: string;
  readonly action: SignalAction;
  readonly when: Binder<Test>;
  /** The rule's own confidence; null = the document's. */
  readonly confidence: CompiledExpr | null;
  readonly depth: number;
  readonly explain: readonly { readonly name: string; readonly value: Binder<Value> }[];
}

function compileRule(rule: EntryRule, path: string, context: Context): CompiledRule {
  if (rule.side !== 'BUY' && rule.side !== 'SELL') throw new CompileError(`${path}/side`, 'must be BUY or SELL');
  const when = compileCondition(rule.when, `${path}/when`, context, 0);
  const explain = new Map<string, Binder<Value>>();
  for (const ref of when.refs) if (!explain.has(ref.name)) explain.set(ref.name, ref.value);
  const confidence =
    rule.confidence === undefined ? null : compileExpr(rule.confidence, `${path}/confidence`, context, 0);
  return {
    id: rule.id,
    action: rule.side,
    when: when.test,
    confidence,
    depth: Math.max(when.depth, confidence?.depth ?? 0),
    explain: [...explain].map(([name, value]) => ({ name, value })),
  };
}

interface CompiledLevel {
  /** Binds to a level function of (entry, side: -1 below the entry, +1 above); NaN = unknown. */
  readonly bind: Binder<(entry: number, side: number) => number>;
  readonly depth: number;
}

function compileLevel(level: LevelSpec, path: string, context: Context): CompiledLevel {
  if ('percent' in level) {
    const percent = level.percent;
    if (!(percent > 0 && percent <= DOCUMENT_LIMITS.maxPercent)) {
      throw new CompileError(`${path}/percent`, `must be > 0 and at most ${DOCUMENT_LIMITS.maxPercent}`);
    }
    return { bind: () => (entry, side) => entry * (1 + (side * percent) / 100), depth: 0 };
  }
  if ('atr' in level) {
    const spec = context.specs.get(level.atr);
    if (spec === undefined || spec.kind !== 'ATR') {
      throw new CompileError(`${path}/atr`, `"${level.atr}" is not an ATR indicator of the document`);
    }
    const multiple = level.multiple;
    if (!(multiple > 0 && multiple <= DOCUMENT_LIMITS.maxMultiple)) {
      throw new CompileError(`${path}/multiple`, `must be > 0 and at most ${DOCUMENT_LIMITS.maxMultiple}`);
    }
    const key = spec.key;
    return {
      bind: (_, nodes) => {
        const node = nodes.get(key) as IndicatorNode;
        return (entry, side) => entry + side * multiple * node.value(0, 0);
      },
      depth: 0,
    };
  }
  if ('price' in level) {
    const price = compileExpr(level.price, `${path}/price`, context, 0);
    return {
      bind: (g, n) => {
        const value = price.value(g, n);
        return () => value(0);
      },
      depth: price.depth,
    };
  }
  throw new CompileError(path, 'not a level');
}

export type { NodeSpec };
