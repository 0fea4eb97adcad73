/** A fixed-capacity FIFO that overwrites its oldest item: O(1) push, iteration oldest first. */
export class RingBuffer<T> implements Iterable<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  /** Index of the oldest item once the buffer is full. */
  #start = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`invalid capacity: ${capacity}`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#capacity === 0) return;
    if (this.#items.length < this.#capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.#capacity;
  }

  *[Symbol.iterator](): Iterator<T> {
    const length = this.#items.length;
    for (let offset = 0; offset < length; offset++) {
      yield this.#items[(this.#start + offset) % length] as T;
    }
  }
}
