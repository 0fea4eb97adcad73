/**
 * A bounded map whose entries end at their own time: a read at or after an entry's `expiresAt` misses (and drops
 * it), and beyond `maxEntries` the least recently used entry goes. For what is costly to verify and may be
 * trusted until it expires (a verified token's identity, a signed token), never for what can be withdrawn sooner.
 */
export class ExpiringCache<K, V> {
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently used first.
  readonly #entries = new Map<K, { readonly value: V; readonly expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  /** `now` gives the time in ms since the epoch, as `expiresAt` is given (tests pass a clock of their own). */
  constructor(maxEntries: number, now: () => number = () => Date.now()) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** Entries held, expired ones not yet read included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key` while it has not expired; undefined otherwise. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` until `expiresAt` (ms since the epoch); one already past is not kept. */
  set(key: K, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    if (!(expiresAt > this.#now())) return;
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
