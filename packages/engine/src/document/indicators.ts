import type { CandleField } from '@alphintra/core';
import { ATR, BollingerBands, WSMA } from 'trading-signals';
import type { CandleValues } from '../types.ts';

/**
 * Values a node keeps per output, and candles a graph keeps, for `ago`, `forBars` and crossings: a document may look
 * back at most `NODE_HISTORY - 1` candles (the compiler refuses deeper conditions).
 */
export const NODE_HISTORY = 256;

/** What an indicator node reads: a candle field, or one output of another node. */
export type NodeInput = { readonly field: CandleField } | { readonly node: NodeSpec; readonly out: string };

/** The kinds of node; `VOLUME_SMA` of a document is an `SMA` of `volume`, so it shares that node. */
export type NodeKind =
  | 'SMA'
  | 'EMA'
  | 'WMA'
  | 'RSI'
  | 'ROC'
  | 'HIGHEST'
  | 'LOWEST'
  | 'MACD'
  | 'BBANDS'
  | 'ATR'
  | 'STOCH'
  | 'VWAP'
  | 'OBV';

/** A node, normalized: its canonical key is a function of kind, parameters and input, nothing else. */
export interface NodeSpec {
  readonly kind: NodeKind;
  readonly params: readonly number[];
  /** null for the candle-based indicators (ATR, STOCH, VWAP, OBV). */
  readonly input: NodeInput | null;
  readonly key: string;
}

/** Output names of each kind; the first is the default. */
export const NODE_OUTPUTS: Readonly<Record<NodeKind, readonly string[]>> = {
  SMA: ['value'],
  EMA: ['value'],
  WMA: ['value'],
  RSI: ['value'],
  ROC: ['value'],
  HIGHEST: ['value'],
  LOWEST: ['value'],
  MACD: ['line', 'signal', 'histogram'],
  BBANDS: ['middle', 'upper', 'lower', 'percentB'],
  ATR: ['value'],
  STOCH: ['k', 'd'],
  VWAP: ['value'],
  OBV: ['value'],
};

/** Builds a node spec with its canonical key, e.g. `SMA(5,EMA(12,close))` or `EMA(9,MACD(12,26,9,close).signal)`. */
export function nodeSpec(kind: NodeKind, params: readonly number[], input: NodeInput | null): NodeSpec {
  const parts = params.map(String);
  if (input !== null) parts.push(inputKey(input));
  return { kind, params, input, key: parts.length === 0 ? kind : `${kind}(${parts.join(',')})` };
}

function inputKey(input: NodeInput): string {
  if ('field' in input) return input.field;
  return NODE_OUTPUTS[input.node.kind].length > 1 ? `${input.node.key}.${input.out}` : input.node.key;
}

/** Candles a node needs before its default output is known (its inputs' warm-up included). */
export function nodeWarmUp(spec: NodeSpec): number {
  const [a = 1, b = 1, c = 1] = spec.params;
  const own =
    spec.kind === 'RSI' || spec.kind === 'ROC'
      ? a + 1
      : spec.kind === 'MACD'
        ? b + c - 1
        : spec.kind === 'STOCH'
          ? a + b - 1
          : spec.kind === 'OBV'
            ? 1
            : a;
  const input = spec.input !== null && 'node' in spec.input ? nodeWarmUp(spec.input.node) : 1;
  return input + own - 1;
}

/** The value of a candle field. */
export function fieldValue(candle: CandleValues, field: CandleField): number {
  switch (field) {
    case 'open':
    case 'high':
    case 'low':
    case 'close':
    case 'volume':
      return candle[field];
    case 'hl2':
      return (candle.high + candle.low) / 2;
    case 'hlc3':
      return (candle.high + candle.low + candle.close) / 3;
    case 'ohlc4':
      return (candle.open + candle.high + candle.low + candle.close) / 4;
  }
}

/**
 * A streaming indicator on one (symbol, interval) series. Each candle it records one value per output (NaN while
 * unknown), so `value(out, ago)` is aligned with the series' candles.
 */
export abstract class IndicatorNode {
  readonly spec: NodeSpec;
  /** The node it reads, rewired when a node warmed up elsewhere joins a graph. */
  source: IndicatorNode | null = null;
  /** Strategy versions using it, directly or through another node. */
  refs = 0;
  readonly #outputs: Float64Array[];
  #head = -1;
  #count = 0;

  constructor(spec: NodeSpec) {
    this.spec = spec;
    this.#outputs = NODE_OUTPUTS[spec.kind].map(() => new Float64Array(NODE_HISTORY).fill(Number.NaN));
  }

  /** Output `out` (an index into `NODE_OUTPUTS[kind]`) `ago` candles back; NaN when unknown. */
  value(out: number, ago: number): number {
    if (ago >= this.#count) return Number.NaN;
    const ring = this.#outputs[out];
    if (ring === undefined) return Number.NaN;
    return ring[(this.#head - ago + NODE_HISTORY) % NODE_HISTORY] as number;
  }

  /** Feeds the series' new candle; the node's source has already been updated with it. */
  update(candle: CandleValues): void {
    this.#head = (this.#head + 1) % NODE_HISTORY;
    if (this.#count < NODE_HISTORY) this.#count++;
    const input = this.#input(candle);
    if (Number.isNaN(input)) {
      for (const ring of this.#outputs) ring[this.#head] = Number.NaN;
      return;
    }
    this.compute(candle, input, this.#outputs, this.#head);
  }

  #input(candle: CandleValues): number {
    const input = this.spec.input;
    if (input === null) return 0;
    if ('field' in input) return fieldValue(candle, input.field);
    const out = NODE_OUTPUTS[input.node.kind].indexOf(input.out);
    return this.source === null ? Number.NaN : this.source.value(out, 0);
  }

  /** Writes every output at `slot` (NaN while unknown); `input` is the source value, 0 for candle-based kinds. */
  protected abstract compute(candle: CandleValues, input: number, outputs: Float64Array[], slot: number): void;
}

/** A fixed window of the last `size` numbers. */
class Window {
  readonly values: Float64Array;
  #next = 0;
  length = 0;

  constructor(readonly size: number) {
    this.values = new Float64Array(size);
  }

  /** Adds a value and returns the one it pushed out (NaN while the window fills). */
  push(value: number): number {
    const out = this.length === this.size ? (this.values[this.#next] as number) : Number.NaN;
    this.values[this.#next] = value;
    this.#next = (this.#next + 1) % this.size;
    if (this.length < this.size) this.length++;
    return out;
  }

  get full(): boolean {
    return this.length === this.size;
  }

  /** Sum of the window, exactly (from scratch). */
  sum(): number {
    let sum = 0;
    for (let i = 0; i < this.length; i++) sum += this.values[i] as number;
    return sum;
  }

  /** The i-th oldest value. */
  at(i: number): number {
    return this.values[(this.#next + i) % this.size] as number;
  }
}

/**
 * A rolling sum in O(1) per value. It is recomputed from scratch every `size` values so rounding never drifts
 * (amortized O(1)).
 */
class RollingSum {
  readonly window: Window;
  #sum = 0;
  #sinceExact = 0;

  constructor(size: number) {
    this.window = new Window(size);
  }

  push(value: number): number {
    const out = this.window.push(value);
    if (++this.#sinceExact >= this.window.size) {
      this.#sum = this.window.sum();
      this.#sinceExact = 0;
    } else {
      this.#sum += Number.isNaN(out) ? value : value - out;
    }
    return this.#sum;
  }

  get full(): boolean {
    return this.window.full;
  }
}

/** Rolling maximum (or minimum) over the last `size` values: a monotonic deque, O(1) amortized. */
class RollingExtreme {
  readonly #values: Float64Array;
  readonly #index: Float64Array;
  #front = 0;
  #back = 0;
  #seen = 0;

  constructor(
    readonly size: number,
    readonly max: boolean,
  ) {
    this.#values = new Float64Array(size + 1);
    this.#index = new Float64Array(size + 1);
  }

  push(value: number): number {
    const capacity = this.size + 1;
    const i = this.#seen++;
    while (this.#back !== this.#front) {
      const last = (this.#back - 1 + capacity) % capacity;
      const kept = this.#values[last] as number;
      if (this.max ? kept > value : kept < value) break;
      this.#back = last;
    }
    this.#values[this.#back] = value;
    this.#index[this.#back] = i;
    this.#back = (this.#back + 1) % capacity;
    if ((this.#index[this.#front] as number) <= i - this.size) this.#front = (this.#front + 1) % capacity;
    return this.#values[this.#front] as number;
  }

  get full(): boolean {
    return this.#seen >= this.size;
  }
}

/** EMA seeded with the SMA of its first `period` values, as TradingView's `ta.ema` and technicalindicators do. */
class SeededEma {
  readonly #alpha: number;
  #seed = 0;
  #count = 0;
  #value = Number.NaN;

  constructor(readonly period: number) {
    this.#alpha = 2 / (period + 1);
  }

  push(value: number): number {
    if (this.#count < this.period) {
      this.#seed += value;
      if (++this.#count === this.period) this.#value = this.#seed / this.period;
      return this.#value;
    }
    this.#value = (value - this.#value) * this.#alpha + this.#value;
    return this.#value;
  }
}

class SmaNode extends IndicatorNode {
  readonly #sum: RollingSum;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#sum = new RollingSum(spec.params[0] as number);
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    const sum = this.#sum.push(input);
    (outputs[0] as Float64Array)[slot] = this.#sum.full ? sum / this.#sum.window.size : Number.NaN;
  }
}

class EmaNode extends IndicatorNode {
  readonly #ema: SeededEma;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#ema = new SeededEma(spec.params[0] as number);
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    (outputs[0] as Float64Array)[slot] = this.#ema.push(input);
  }
}

/** Linearly weighted (newest weight n): the weighted sum moves by n x new - (sum of the previous window). */
class WmaNode extends IndicatorNode {
  readonly #window: Window;
  readonly #n: number;
  readonly #denominator: number;
  #sum = 0;
  #weighted = 0;
  #sinceExact = 0;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#n = spec.params[0] as number;
    this.#window = new Window(this.#n);
    this.#denominator = (this.#n * (this.#n + 1)) / 2;
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    const wasFull = this.#window.full;
    const out = this.#window.push(input);
    if (!this.#window.full) {
      (outputs[0] as Float64Array)[slot] = Number.NaN;
      return;
    }
    if (!wasFull || ++this.#sinceExact >= this.#n) {
      let sum = 0;
      let weighted = 0;
      for (let i = 0; i < this.#n; i++) {
        const value = this.#window.at(i);
        sum += value;
        weighted += value * (i + 1);
      }
      this.#sum = sum;
      this.#weighted = weighted;
      this.#sinceExact = 0;
    } else {
      this.#weighted += this.#n * input - this.#sum;
      this.#sum += input - out;
    }
    (outputs[0] as Float64Array)[slot] = this.#weighted / this.#denominator;
  }
}

/** Wilder's RSI: gains and losses smoothed by trading-signals' WSMA (SMA-seeded, 1/n). */
class RsiNode extends IndicatorNode {
  readonly #gain: WSMA;
  readonly #loss: WSMA;
  #previous = Number.NaN;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#gain = new WSMA(spec.params[0] as number);
    this.#loss = new WSMA(spec.params[0] as number);
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    const previous = this.#previous;
    this.#previous = input;
    const out = outputs[0] as Float64Array;
    if (Number.isNaN(previous)) {
      out[slot] = Number.NaN;
      return;
    }
    const change = input - previous;
    const gain = this.#gain.update(Math.max(change, 0), false);
    const loss = this.#loss.update(Math.max(-change, 0), false);
    out[slot] = gain === null || loss === null ? Number.NaN : loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
}

/** Rate of change in percent over `period` candles; unknown when the old value is 0. */
class RocNode extends IndicatorNode {
  readonly #window: Window;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#window = new Window((spec.params[0] as number) + 1);
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    this.#window.push(input);
    const old = this.#window.full ? this.#window.at(0) : Number.NaN;
    (outputs[0] as Float64Array)[slot] = old === 0 ? Number.NaN : ((input - old) / old) * 100;
  }
}

class ExtremeNode extends IndicatorNode {
  readonly #extreme: RollingExtreme;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#extreme = new RollingExtreme(spec.params[0] as number, spec.kind === 'HIGHEST');
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    const value = this.#extreme.push(input);
    (outputs[0] as Float64Array)[slot] = this.#extreme.full ? value : Number.NaN;
  }
}

/** MACD of SMA-seeded EMAs: line from the slow EMA's first value on, signal an EMA of the line. */
class MacdNode extends IndicatorNode {
  readonly #fast: SeededEma;
  readonly #slow: SeededEma;
  readonly #signal: SeededEma;
  constructor(spec: NodeSpec) {
    super(spec);
    const [fast, slow, signal] = spec.params as [number, number, number];
    this.#fast = new SeededEma(fast);
    this.#slow = new SeededEma(slow);
    this.#signal = new SeededEma(signal);
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    const line = this.#fast.push(input) - this.#slow.push(input);
    const signal = Number.isNaN(line) ? Number.NaN : this.#signal.push(line);
    (outputs[0] as Float64Array)[slot] = line;
    (outputs[1] as Float64Array)[slot] = signal;
    (outputs[2] as Float64Array)[slot] = line - signal;
  }
}

/** Bollinger bands (population standard deviation, trading-signals), with %B = (x - lower) / (upper - lower). */
class BbandsNode extends IndicatorNode {
  readonly #bands: BollingerBands;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#bands = new BollingerBands(spec.params[0] as number, spec.params[1] as number);
  }
  protected compute(_: CandleValues, input: number, outputs: Float64Array[], slot: number): void {
    const bands = this.#bands.update(input, false);
    const width = bands === null ? Number.NaN : bands.upper - bands.lower;
    (outputs[0] as Float64Array)[slot] = bands?.middle ?? Number.NaN;
    (outputs[1] as Float64Array)[slot] = bands?.upper ?? Number.NaN;
    (outputs[2] as Float64Array)[slot] = bands?.lower ?? Number.NaN;
    (outputs[3] as Float64Array)[slot] = bands === null || width === 0 ? Number.NaN : (input - bands.lower) / width;
  }
}

/** Wilder's ATR (trading-signals): the first true range is high - low, as TradingView's `ta.atr`. */
class AtrNode extends IndicatorNode {
  readonly #atr: ATR;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#atr = new ATR(spec.params[0] as number);
  }
  protected compute(candle: CandleValues, _: number, outputs: Float64Array[], slot: number): void {
    (outputs[0] as Float64Array)[slot] = this.#atr.update(candle, false) ?? Number.NaN;
  }
}

/** Fast stochastic: %K over `k` candles (0 when the range is flat, as both reference libraries do), %D its SMA. */
class StochNode extends IndicatorNode {
  readonly #high: RollingExtreme;
  readonly #low: RollingExtreme;
  readonly #d: RollingSum;
  constructor(spec: NodeSpec) {
    super(spec);
    const [k, d] = spec.params as [number, number];
    this.#high = new RollingExtreme(k, true);
    this.#low = new RollingExtreme(k, false);
    this.#d = new RollingSum(d);
  }
  protected compute(candle: CandleValues, _: number, outputs: Float64Array[], slot: number): void {
    const high = this.#high.push(candle.high);
    const low = this.#low.push(candle.low);
    if (!this.#high.full) {
      (outputs[0] as Float64Array)[slot] = Number.NaN;
      (outputs[1] as Float64Array)[slot] = Number.NaN;
      return;
    }
    const k = high === low ? 0 : ((candle.close - low) / (high - low)) * 100;
    const sum = this.#d.push(k);
    (outputs[0] as Float64Array)[slot] = k;
    (outputs[1] as Float64Array)[slot] = this.#d.full ? sum / this.#d.window.size : Number.NaN;
  }
}

/** Rolling VWAP of the typical price over `period` candles; unknown while the window has no volume. */
class VwapNode extends IndicatorNode {
  readonly #priceVolume: RollingSum;
  readonly #volume: RollingSum;
  constructor(spec: NodeSpec) {
    super(spec);
    this.#priceVolume = new RollingSum(spec.params[0] as number);
    this.#volume = new RollingSum(spec.params[0] as number);
  }
  protected compute(candle: CandleValues, _: number, outputs: Float64Array[], slot: number): void {
    const typical = (candle.high + candle.low + candle.close) / 3;
    const priceVolume = this.#priceVolume.push(typical * candle.volume);
    const volume = this.#volume.push(candle.volume);
    (outputs[0] as Float64Array)[slot] = this.#volume.full && volume > 0 ? priceVolume / volume : Number.NaN;
  }
}

/** On-balance volume, 0 on the first candle (TradingView's `ta.obv`). */
class ObvNode extends IndicatorNode {
  #previous = Number.NaN;
  #obv = 0;
  protected compute(candle: CandleValues, _: number, outputs: Float64Array[], slot: number): void {
    if (candle.close > this.#previous) this.#obv += candle.volume;
    else if (candle.close < this.#previous) this.#obv -= candle.volume;
    this.#previous = candle.close;
    (outputs[0] as Float64Array)[slot] = this.#obv;
  }
}

function createNode(spec: NodeSpec): IndicatorNode {
  switch (spec.kind) {
    case 'SMA':
      return new SmaNode(spec);
    case 'EMA':
      return new EmaNode(spec);
    case 'WMA':
      return new WmaNode(spec);
    case 'RSI':
      return new RsiNode(spec);
    case 'ROC':
      return new RocNode(spec);
    case 'HIGHEST':
    case 'LOWEST':
      return new ExtremeNode(spec);
    case 'MACD':
      return new MacdNode(spec);
    case 'BBANDS':
      return new BbandsNode(spec);
    case 'ATR':
      return new AtrNode(spec);
    case 'STOCH':
      return new StochNode(spec);
    case 'VWAP':
      return new VwapNode(spec);
    case 'OBV':
      return new ObvNode(spec);
  }
}

/**
 * The indicators of one (symbol, interval) series: one node per canonical key, shared by every strategy version
 * that asks for it and reference-counted, updated in dependency order on each candle. It also keeps the series'
 * last `NODE_HISTORY` candles for `{ field, ago }`.
 */
export class IndicatorGraph {
  readonly #nodes = new Map<string, IndicatorNode>();
  /** Dependency order: a node always comes after its source. */
  #order: IndicatorNode[] = [];
  readonly #candles: CandleValues[] = [];
  #head = -1;
  #count = 0;

  /** Distinct nodes. */
  get size(): number {
    return this.#nodes.size;
  }

  /** Candles seen. */
  get candles(): number {
    return this.#count;
  }

  /** The node with this key, if any. */
  get(key: string): IndicatorNode | undefined {
    return this.#nodes.get(key);
  }

  /**
   * Returns the node for `spec` (and its sources), creating what is missing, and counts one more user. A missing
   * node is taken from `donor` when it has one (a graph the node was warmed up in), rewired to this graph's sources.
   */
  acquire(spec: NodeSpec, donor?: IndicatorGraph): IndicatorNode {
    const source = spec.input !== null && 'node' in spec.input ? this.acquire(spec.input.node, donor) : null;
    let node = this.#nodes.get(spec.key);
    if (node === undefined) {
      node = (donor === undefined ? undefined : donor.#nodes.get(spec.key)) ?? createNode(spec);
      node.source = source;
      node.refs = 0;
      this.#nodes.set(spec.key, node);
      this.#order.push(node);
    } else if (source !== null) {
      // The source was counted again on the way here; only the top node's count matters per acquire.
      this.#release(source);
    }
    node.refs++;
    return node;
  }

  /** Counts one user less; a node nobody uses is dropped, with the sources only it used. */
  release(spec: NodeSpec): void {
    const node = this.#nodes.get(spec.key);
    if (node !== undefined) this.#release(node);
  }

  #release(node: IndicatorNode): void {
    if (--node.refs > 0) return;
    this.#nodes.delete(node.spec.key);
    this.#order = this.#order.filter((kept) => kept !== node);
    if (node.source !== null) this.#release(node.source);
  }

  /** Feeds a new candle to every node. */
  update(candle: CandleValues): void {
    this.#head = (this.#head + 1) % NODE_HISTORY;
    this.#candles[this.#head] = candle;
    this.#count++;
    for (const node of this.#order) node.update(candle);
  }

  /** A candle field `ago` candles back; NaN before the first candle. */
  field(field: CandleField, ago: number): number {
    if (ago >= this.#count || ago >= NODE_HISTORY) return Number.NaN;
    return fieldValue(this.#candles[(this.#head - ago + NODE_HISTORY) % NODE_HISTORY] as CandleValues, field);
  }
}
