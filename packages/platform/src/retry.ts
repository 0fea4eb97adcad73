/** Runs `task` until it succeeds, waiting 100 ms, 200 ms, ... up to 10 s between attempts; reports each failure. */
export async function retryForever<T>(
  what: string,
  task: () => Promise<T>,
  report: (message: string, error: unknown) => void,
  isStopped: () => boolean = () => false,
): Promise<T> {
  let delay = 100;
  for (;;) {
    try {
      return await task();
    } catch (error) {
      if (isStopped()) throw error;
      report(`${what} failed; retrying in ${delay} ms`, error);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

/** Runs async tasks one after another in submission order (keeps per-key order on the bus). */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  push(task: () => Promise<void>): void {
    this.#tail = this.#tail.then(task, task);
  }

  /** Resolves when every task pushed so far has finished. */
  drain(): Promise<void> {
    return this.#tail;
  }
}
