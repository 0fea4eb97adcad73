import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Candle, INTERVALS, isInterval, type Trade } from '@alphintra/core';
import { MalformedTradeError, parseBinanceTrade } from './trade.ts';

/** The provider name replayed trades and candles carry (`Trade.source`, `Candle.source`). */
export const REPLAY_SOURCE = 'replay';

const MINUTE = INTERVALS['1m'];

/** A skipped line of a trade file: its 1-based number and why it was rejected. */
export interface MalformedLine {
  readonly line: number;
  readonly reason: string;
}

/** Options of `readTradeFile` and `readReplayFile`. */
export interface ReadTradeFileOptions {
  /** Called once per malformed line, which is then skipped. Default: one `console.warn` line. */
  readonly onMalformed?: (malformed: MalformedLine) => void;
}

/** Non-blank lines of a text file with their 1-based numbers, streamed. */
async function* readLines(path: string): AsyncGenerator<[number, string], void> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      // A trailing newline or a hand-edited blank line carries nothing to report.
      if (line.trim() !== '') yield [lineNumber, line];
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function warnMalformed(path: string): (malformed: MalformedLine) => void {
  return (malformed) => console.warn(`${path}:${malformed.line}: skipped trade: ${malformed.reason}`);
}

/**
 * Streams a ndjson file of Binance `@trade` payloads as normalized trades (`source: 'replay'`), skipping
 * malformed lines.
 */
export async function* readTradeFile(path: string, options: ReadTradeFileOptions = {}): AsyncGenerator<Trade, void> {
  const onMalformed = options.onMalformed ?? warnMalformed(path);
  for await (const [line, text] of readLines(path)) {
    let trade: Trade;
    try {
      trade = parseBinanceTrade(text);
    } catch (error) {
      if (!(error instanceof MalformedTradeError)) throw error;
      onMalformed({ line, reason: error.reason });
      continue;
    }
    yield { ...trade, source: REPLAY_SOURCE };
  }
}

/** One recorded file to replay, and the symbol its rows are for. */
export interface ReplaySource {
  readonly file: string;
  /**
   * The symbol of every row: from `<file>#<SYMBOL>`, else, for a CSV file, from its name. Absent for ndjson
   * without an override, whose payloads name their own symbol.
   */
  readonly symbol?: string;
}

/** What a replay file yields: a trade, or a closed 1m candle (a kline row). */
export type ReplayEvent =
  | { readonly kind: 'trade'; readonly trade: Trade }
  | { readonly kind: 'candle'; readonly candle: Candle };

const SYMBOL_TOKEN = /^(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,}$/;

/**
 * The symbol a file name carries: the first `-`-separated token of 5 or more upper-case letters and digits (at
 * least one letter) that is not an interval, e.g. `trades-ETHUSDT-2023-02-02.csv` -> `ETHUSDT`,
 * `klines-1m-UNITTESTBTC.csv` -> `UNITTESTBTC`; `null` when there is none.
 */
export function symbolFromFileName(path: string): string | null {
  const name = basename(path);
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  for (const token of stem.split('-')) {
    if (SYMBOL_TOKEN.test(token) && !isInterval(token.toLowerCase())) return token;
  }
  return null;
}

/**
 * Parses a `MARKET_DATA` replay value, `replay:<file>[,<file>...]` (the `replay:` prefix is optional), each file
 * optionally `<file>#<SYMBOL>`. A CSV file needs a symbol, from the override or its name. Throws `RangeError`
 * when the value names no file or a CSV file has no symbol. Paths are kept as given.
 */
export function parseReplaySpec(value: string): ReplaySource[] {
  const list = value.startsWith('replay:') ? value.slice('replay:'.length) : value;
  const sources = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry): ReplaySource => {
      const hash = entry.lastIndexOf('#');
      const file = hash < 0 ? entry : entry.slice(0, hash);
      const override = hash < 0 ? '' : entry.slice(hash + 1).trim();
      if (file === '') throw new RangeError(`replay entry without a file: "${entry}"`);
      if (hash >= 0 && override === '') throw new RangeError(`replay entry with an empty symbol: "${entry}"`);
      if (override !== '') return { file, symbol: override };
      if (!/\.csv$/i.test(file)) return { file };
      const symbol = symbolFromFileName(file);
      if (symbol === null) {
        throw new RangeError(`no symbol in the file name "${basename(file)}": name it as <file>#<SYMBOL>`);
      }
      return { file, symbol };
    });
  if (sources.length === 0) throw new RangeError(`no replay file in "${value}"`);
  return sources;
}

// Plain decimal notation only, as the exchange's own strings (see trade.ts).
const DECIMAL = /^\d+(?:\.\d+)?$/;
const INTEGER = /^\d+$/;
const NON_ZERO_DIGIT = /[1-9]/;

class MalformedRow extends Error {}

function columnsOf(header: string, required: readonly string[], path: string): Map<string, number> {
  const names = header.split(',').map((name) => name.trim().toLowerCase());
  const columns = new Map<string, number>();
  for (const name of required) {
    const at = names.indexOf(name);
    if (at < 0) throw new Error(`${path}: CSV header lacks column "${name}": ${header}`);
    columns.set(name, at);
  }
  return columns;
}

function cell(cells: readonly string[], columns: ReadonlyMap<string, number>, name: string): string {
  return (cells[columns.get(name) as number] ?? '').trim();
}

const EXPONENT = /^(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

/**
 * `value` in plain decimal notation, or `null`. CSV files written by a float formatter put small values in
 * exponent notation ("9.417e-05"); the digits are moved textually, so the result is exactly the value written.
 */
export function plainDecimal(value: string): string | null {
  if (DECIMAL.test(value)) return value;
  const match = EXPONENT.exec(value);
  if (match === null) return null;
  const digits = `${match[1]}${match[2] ?? ''}`;
  const point = (match[1] as string).length + Number(match[3]);
  if (!Number.isSafeInteger(point) || Math.abs(point) > 400) return null;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  // Leading zeros of the integer part only ("00.5" -> "0.5", "0012" -> "12").
  return plain.replace(/^0+(?=\d)/, '');
}

function decimalCell(cells: readonly string[], columns: ReadonlyMap<string, number>, name: string): string {
  const value = cell(cells, columns, name);
  const plain = plainDecimal(value);
  if (plain === null) throw new MalformedRow(`"${name}" is not a decimal: ${JSON.stringify(value)}`);
  return plain;
}

function timeCell(cells: readonly string[], columns: ReadonlyMap<string, number>, name: string): number {
  const value = cell(cells, columns, name);
  const time = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(time) || time <= 0) {
    throw new MalformedRow(`"${name}" is not ms since the epoch: ${JSON.stringify(value)}`);
  }
  return time;
}

const TRADE_COLUMNS = ['timestamp', 'id', 'side', 'price', 'amount'] as const;
const KLINE_COLUMNS = ['open_time_ms', 'open', 'high', 'low', 'close', 'volume'] as const;

function csvTrade(cells: readonly string[], columns: ReadonlyMap<string, number>, symbol: string): Trade {
  const time = timeCell(cells, columns, 'timestamp');
  const id = cell(cells, columns, 'id');
  if (!INTEGER.test(id)) throw new MalformedRow(`"id" is not a trade id: ${JSON.stringify(id)}`);
  const side = cell(cells, columns, 'side').toLowerCase();
  if (side !== 'buy' && side !== 'sell') throw new MalformedRow(`"side" is not buy or sell: ${JSON.stringify(side)}`);
  const price = decimalCell(cells, columns, 'price');
  const quantity = decimalCell(cells, columns, 'amount');
  return {
    source: REPLAY_SOURCE,
    symbol,
    tradeId: id,
    time,
    price,
    quantity,
    priceNum: Number(price),
    quantityNum: Number(quantity),
    // The CSV's side is the taker's already.
    takerSide: side === 'buy' ? 'BUY' : 'SELL',
  };
}

/**
 * A kline row as a closed, complete 1m candle. The row has no trade count or last trade time: `trades` is 1 (a
 * kline with volume had at least one trade, and 1 keeps it out of the empty-minute logic) and `lastTradeTime`
 * the minute's last ms. A row without volume gives `null`: the aggregator's empty-minute rule makes that minute.
 */
function csvKline(cells: readonly string[], columns: ReadonlyMap<string, number>, symbol: string): Candle | null {
  const openTime = timeCell(cells, columns, 'open_time_ms');
  if (openTime % MINUTE !== 0) throw new MalformedRow(`"open_time_ms" is not on a minute: ${openTime}`);
  const open = decimalCell(cells, columns, 'open');
  const high = decimalCell(cells, columns, 'high');
  const low = decimalCell(cells, columns, 'low');
  const close = decimalCell(cells, columns, 'close');
  const volume = decimalCell(cells, columns, 'volume');
  if (!NON_ZERO_DIGIT.test(volume)) return null;
  const lowNum = Number(low);
  const highNum = Number(high);
  for (const price of [open, close]) {
    const n = Number(price);
    if (n < lowNum || n > highNum) throw new MalformedRow(`open or close outside [low, high]: ${cells.join(',')}`);
  }
  return {
    symbol,
    interval: '1m',
    openTime,
    closeTime: openTime + MINUTE,
    open,
    high,
    low,
    close,
    volume,
    trades: 1,
    source: REPLAY_SOURCE,
    complete: true,
    lastTradeTime: openTime + MINUTE - 1,
  };
}

/**
 * Streams one replay file as events, the format told by its content: Binance `@trade` ndjson (a line starting
 * with `{`), CSV trades (`timestamp,id,side,price,amount[,cost]`, any extra columns ignored) or CSV 1m klines
 * (`open_time_ms,open,high,low,close,volume`). Every trade and candle has `source: 'replay'`; `source.symbol`
 * re-keys ndjson trades and names the CSV rows' symbol. Malformed lines are reported and skipped; a CSV file
 * without a symbol or with an unknown header throws.
 */
export async function* readReplayFile(
  source: ReplaySource,
  options: ReadTradeFileOptions = {},
): AsyncGenerator<ReplayEvent, void> {
  const { file } = source;
  const onMalformed = options.onMalformed ?? warnMalformed(file);
  let parse: ((text: string) => ReplayEvent | null) | null = null;
  for await (const [line, text] of readLines(file)) {
    if (parse === null) {
      parse = formatOf(source, text);
      if (!text.trimStart().startsWith('{')) continue; // a CSV header
    }
    let event: ReplayEvent | null;
    try {
      event = parse(text);
    } catch (error) {
      if (!(error instanceof MalformedTradeError || error instanceof MalformedRow)) throw error;
      onMalformed({ line, reason: error instanceof MalformedTradeError ? error.reason : error.message });
      continue;
    }
    if (event !== null) yield event;
  }
}

function formatOf(source: ReplaySource, first: string): (text: string) => ReplayEvent | null {
  const { file, symbol } = source;
  if (first.trimStart().startsWith('{')) {
    return (text) => {
      const trade = parseBinanceTrade(text);
      return { kind: 'trade', trade: { ...trade, source: REPLAY_SOURCE, symbol: symbol ?? trade.symbol } };
    };
  }
  const csvSymbol = symbol ?? symbolFromFileName(file);
  if (csvSymbol === null) throw new Error(`${file}: a CSV file needs a symbol: name it as <file>#<SYMBOL>`);
  const header = first.toLowerCase().split(',');
  if (header.includes('open_time_ms')) {
    const columns = columnsOf(first, KLINE_COLUMNS, file);
    return (text) => {
      const candle = csvKline(text.split(','), columns, csvSymbol);
      return candle === null ? null : { kind: 'candle', candle };
    };
  }
  if (header.includes('timestamp')) {
    const columns = columnsOf(first, TRADE_COLUMNS, file);
    return (text) => ({ kind: 'trade', trade: csvTrade(text.split(','), columns, csvSymbol) });
  }
  throw new Error(`${file}: unknown format: neither Binance ndjson nor a trade or kline CSV header: ${first}`);
}

/** Options of `ReplayFeed`. */
export interface ReplayFeedOptions {
  /** The files to replay, merged by time. */
  readonly sources?: readonly ReplaySource[];
  /** One ndjson file of Binance `@trade` payloads, e.g. `BUNDLED_TRADES`: the same as `sources: [{ file }]`. */
  readonly file?: string;
  /** Market ms per wall ms (120 plays a minute candle in half a second); `Infinity` replays as fast as possible. */
  readonly speed: number;
  /** Start over at the end of the files, shifting times and ids so that they keep increasing. */
  readonly loop?: boolean;
  /** Re-key every trade and candle to this symbol. */
  readonly symbol?: string;
  readonly onTrade: (trade: Trade) => void;
  /** Receives the closed 1m candles of kline files; required when a source is one (the replay throws otherwise). */
  readonly onCandle?: (candle: Candle) => void;
  /**
   * Receives the virtual market time every `tickMs` wall ms, never ahead of an event not yet emitted, so that
   * `CandleAggregator.advanceTo` can close candles by timer.
   */
  readonly onClock?: (virtualTimeMs: number) => void;
  /** Wall ms between `onClock` calls. Default 50. */
  readonly tickMs?: number;
  /** Called once per malformed line of a file (not again on each loop). Default: `console.warn`. */
  readonly onMalformed?: (malformed: MalformedLine, file: string) => void;
  /** Monotonic wall clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /**
   * Emits the events up to this market time as fast as possible, pacing from the first one after it: a replay
   * that resumes after a restart catches up with what it had already played.
   */
  readonly fastForwardUntil?: number;
}

/** Counters of a `ReplayFeed`. */
export interface ReplayFeedStats {
  /** Trades emitted. */
  readonly trades: number;
  /** Kline candles emitted. */
  readonly candles: number;
  /** Malformed lines skipped (counted on the first pass only). */
  readonly malformed: number;
  /** Times the replay went back to the start of the files. */
  readonly loops: number;
}

// A loop pass is shifted by the files' span rounded up to whole minutes plus one minute: times keep increasing
// and every pass has the same minute boundaries, so its 1m candles repeat the first pass's exactly.
const LOOP_ALIGN_MS = 60_000;
// With `speed: Infinity`, let timers and I/O run every this many events.
const BATCH = 1_024;

/**
 * The market time an event is due at. A kline candle is due at the last ms of its minute: after the minute's
 * trades of other files, and a clock capped there cannot close the minute (as empty) before the candle lands.
 */
function dueTime(event: ReplayEvent): number {
  return event.kind === 'trade' ? event.trade.time : event.candle.closeTime - 1;
}

/** The next event of one file in the merge. */
interface Head {
  readonly index: number;
  readonly events: AsyncGenerator<ReplayEvent, void>;
  event: ReplayEvent;
  due: number;
}

/** Whether `a` goes before `b`: by due time, then by file order (stable for events due together). */
function before(a: Head, b: Head): boolean {
  return a.due === b.due ? a.index < b.index : a.due < b.due;
}

/** A binary min-heap of the files' next events: the k-way merge. */
class HeadHeap {
  readonly #items: Head[] = [];

  push(head: Head): void {
    const items = this.#items;
    items.push(head);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Head, items[parent] as Head)) break;
      [items[i], items[parent]] = [items[parent] as Head, items[i] as Head];
      i = parent;
    }
  }

  /** Removes the first head; `push` it back with its next event, if any. */
  pop(): Head | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && before(items[left] as Head, items[least] as Head)) least = left;
      if (right < items.length && before(items[right] as Head, items[least] as Head)) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least] as Head, items[i] as Head];
      i = least;
    }
    return top;
  }
}

/**
 * Replays recorded files at `speed` times market pace, merged by time across files (a k-way merge): event i is
 * emitted at wall time start + (T_i - T_0) / speed, events due together in one go, sleeping on a timer in
 * between. The files are streamed again on each loop pass, so memory does not grow with their size.
 */
export class ReplayFeed {
  readonly #options: ReplayFeedOptions;
  readonly #sources: readonly ReplaySource[];
  readonly #now: () => number;
  readonly #tickMs: number;
  #started = false;
  #stopped = false;
  #trades = 0;
  #candles = 0;
  #malformed = 0;
  #loops = 0;
  // Pacing origin, set by the first paced event.
  #paced = false;
  #t0 = 0;
  #wallStart = 0;
  #nextTick = 0;
  #clock = Number.NEGATIVE_INFINITY;
  #sinceYield = 0;
  #timer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;

  constructor(options: ReplayFeedOptions) {
    if (!(options.speed > 0)) throw new RangeError(`speed must be positive, got ${options.speed}`);
    const tickMs = options.tickMs ?? 50;
    if (!(tickMs > 0 && Number.isFinite(tickMs))) throw new RangeError(`tickMs must be positive, got ${tickMs}`);
    const sources = [...(options.sources ?? []), ...(options.file === undefined ? [] : [{ file: options.file }])];
    if (sources.length === 0) throw new RangeError('ReplayFeed needs `sources` or `file`');
    this.#options = options;
    this.#sources = sources;
    this.#tickMs = tickMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Counters so far. */
  get stats(): ReplayFeedStats {
    return { trades: this.#trades, candles: this.#candles, malformed: this.#malformed, loops: this.#loops };
  }

  /** Runs the replay; resolves at the end of the files (never when looping) or after `stop()`. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('ReplayFeed already started');
    this.#started = true;
    const { loop = false, symbol, onTrade, onCandle } = this.#options;
    // Span of the first pass, and each symbol's id range, for the shifts of the next ones.
    let firstTime = Number.POSITIVE_INFINITY;
    let lastTime = Number.NEGATIVE_INFINITY;
    const ids = new Map<string, { min: number; max: number }>();
    let timeShift = 0;
    let idShifts = new Map<string, number>();
    try {
      for (let pass = 0; !this.#stopped; pass++) {
        if (pass > 0) {
          if (!loop || firstTime > lastTime) break;
          if (pass === 1) {
            timeShift = Math.ceil((lastTime - firstTime) / LOOP_ALIGN_MS) * LOOP_ALIGN_MS + LOOP_ALIGN_MS;
            idShifts = new Map([...ids].map(([s, range]) => [s, range.max - range.min + 1]));
          }
          this.#loops++;
        }
        const heap = new HeadHeap();
        const opened: AsyncGenerator<ReplayEvent, void>[] = [];
        try {
          for (const [index, source] of this.#sources.entries()) {
            const events = readReplayFile(source, { onMalformed: (m) => this.#onMalformed(m, source.file, pass) });
            opened.push(events);
            await this.#advanceHead(heap, index, events);
          }
          for (let head = heap.pop(); head !== undefined && !this.#stopped; head = heap.pop()) {
            const raw = head.event;
            const due = head.due;
            await this.#advanceHead(heap, head.index, head.events);
            if (pass === 0) {
              if (due < firstTime) firstTime = due;
              if (due > lastTime) lastTime = due;
              if (raw.kind === 'candle' && raw.candle.openTime < firstTime) firstTime = raw.candle.openTime;
              if (raw.kind === 'trade') {
                const id = Number(raw.trade.tradeId);
                const key = symbol ?? raw.trade.symbol;
                const range = ids.get(key);
                if (range === undefined) ids.set(key, { min: id, max: id });
                else {
                  if (id < range.min) range.min = id;
                  if (id > range.max) range.max = id;
                }
              }
            }
            const shift = pass * timeShift;
            await this.#waitFor(due + shift);
            if (this.#stopped) break;
            if (raw.kind === 'trade') {
              let trade = raw.trade;
              if (pass > 0) {
                const idShift = idShifts.get(symbol ?? trade.symbol) ?? 0;
                trade = { ...trade, time: trade.time + shift, tradeId: String(Number(trade.tradeId) + pass * idShift) };
              }
              if (symbol !== undefined) trade = { ...trade, symbol };
              this.#trades++;
              onTrade(trade);
            } else {
              if (onCandle === undefined) throw new Error('a kline file is replayed without an onCandle listener');
              let candle = raw.candle;
              if (pass > 0)
                candle = {
                  ...candle,
                  openTime: candle.openTime + shift,
                  closeTime: candle.closeTime + shift,
                  lastTradeTime: candle.lastTradeTime + shift,
                };
              if (symbol !== undefined) candle = { ...candle, symbol };
              this.#candles++;
              onCandle(candle);
            }
          }
        } finally {
          // Closes the files of a pass cut short (stop, a throwing listener).
          await Promise.all(opened.map((events) => events.return()));
        }
      }
    } finally {
      this.#clearTimer();
    }
  }

  async #advanceHead(heap: HeadHeap, index: number, events: AsyncGenerator<ReplayEvent, void>): Promise<void> {
    const next = await events.next();
    if (next.done) return;
    heap.push({ index, events, event: next.value, due: dueTime(next.value) });
  }

  #onMalformed(malformed: MalformedLine, file: string, pass: number): void {
    if (pass > 0) return;
    this.#malformed++;
    const report = this.#options.onMalformed;
    if (report) report(malformed, file);
    else console.warn(`${file}:${malformed.line}: skipped line: ${malformed.reason}`);
  }

  /** Stops the replay; `start()` resolves soon after. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  /** Waits until a trade of market time `time` is due, reporting the clock on the way. */
  async #waitFor(time: number): Promise<void> {
    const { speed, onClock, fastForwardUntil } = this.#options;
    const catchingUp = fastForwardUntil !== undefined && time <= fastForwardUntil;
    if (!this.#paced && !catchingUp) {
      this.#paced = true;
      this.#t0 = time;
      this.#wallStart = this.#now();
      this.#nextTick = this.#wallStart + this.#tickMs;
    }
    if (speed === Number.POSITIVE_INFINITY || catchingUp) {
      if (++this.#sinceYield >= BATCH) {
        this.#sinceYield = 0;
        this.#report(onClock, time);
        await yieldToEventLoop();
      }
      return;
    }
    const due = this.#wallStart + (time - this.#t0) / speed;
    while (!this.#stopped) {
      const now = this.#now();
      if (now >= this.#nextTick) {
        // Never past the next trade: a candle closed by this clock must not be one that trade belongs to.
        this.#report(onClock, Math.min(this.#t0 + (now - this.#wallStart) * speed, time));
        this.#nextTick += this.#tickMs;
        if (this.#nextTick <= now) this.#nextTick = now + this.#tickMs;
      }
      if (now >= due) return;
      await this.#sleep(Math.min(due, this.#nextTick) - now);
    }
  }

  #report(onClock: ((virtualTimeMs: number) => void) | undefined, time: number): void {
    // Monotonic even if the file has a trade out of time order.
    if (time <= this.#clock) return;
    this.#clock = time;
    onClock?.(time);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#wake = null;
        resolve();
      }, ms);
    });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
