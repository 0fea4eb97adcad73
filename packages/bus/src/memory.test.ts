import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from './memory.ts';
import type { BusLogger, BusMessage } from './types.ts';

const quiet: BusLogger = { warn: () => {}, error: () => {} };

/** A promise with its resolve function, to hold a handler until the test lets it go. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (condition() ? resolve() : setTimeout(check, 5));
    check();
  });
}

describe('MemoryEventBus', () => {
  it('splits a topic between the members of one group, each record delivered once', async () => {
    const bus = new MemoryEventBus();
    const first: BusMessage[] = [];
    const second: BusMessage[] = [];
    await bus.consume({ groupId: 'workers', topics: ['t'], handler: (message) => void first.push(message) });
    await bus.consume({ groupId: 'workers', topics: ['t'], handler: (message) => void second.push(message) });
    const keys = Array.from({ length: 30 }, (_, index) => `SYM${index}`);
    await bus.produce(
      't',
      keys.map((key) => ({ key, value: key })),
    );
    await until(() => first.length + second.length === keys.length);

    expect([...first, ...second].map((message) => message.value).sort()).toEqual([...keys].sort());
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    const firstPartitions = new Set(first.map((message) => message.partition));
    expect(second.some((message) => firstPartitions.has(message.partition))).toBe(false);
    await bus.close();
  });

  it('lets a slow handler hold back its own group only', async () => {
    const bus = new MemoryEventBus();
    const held = gate();
    const slow: string[] = [];
    const fast: string[] = [];
    await bus.consume({
      groupId: 'slow',
      topics: ['t'],
      handler: async (message) => {
        await held.opened;
        slow.push(message.value);
      },
    });
    await bus.consume({ groupId: 'fast', topics: ['t'], handler: (message) => void fast.push(message.value) });
    await bus.produce('t', [
      { key: 'k', value: '1' },
      { key: 'k', value: '2' },
    ]);
    await until(() => fast.length === 2);

    expect(slow).toEqual([]);
    held.open();
    await until(() => slow.length === 2);
    expect(slow).toEqual(['1', '2']);
    await bus.close();
  });

  it('delivers a record again when the handler throws, before the records after it', async () => {
    const bus = new MemoryEventBus({ logger: quiet });
    const attempts: string[] = [];
    let failed = false;
    await bus.consume({
      groupId: 'g',
      topics: ['t'],
      handler: (message) => {
        attempts.push(message.value);
        if (!failed) {
          failed = true;
          throw new Error('database unavailable');
        }
      },
    });
    await bus.produce('t', [
      { key: 'k', value: 'a' },
      { key: 'k', value: 'b' },
    ]);
    await until(() => attempts.length === 3);

    expect(attempts).toEqual(['a', 'a', 'b']);
    await bus.close();
  });

  it('keeps a bounded number of records per topic for replays', async () => {
    const bus = new MemoryEventBus({ retention: 10 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    await bus.produce(
      't',
      Array.from({ length: 50 }, (_, index) => ({ key: 'k', value: String(index) })),
    );
    const replayed: BusMessage[] = [];
    await bus.consume({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      handler: (message) => void replayed.push(message),
    });
    await until(() => replayed.at(-1)?.value === '49');

    // The oldest records are dropped in chunks, so a little more than the retention may remain.
    expect(replayed.length).toBeGreaterThanOrEqual(10);
    expect(replayed.length).toBeLessThanOrEqual(12);
    expect(replayed.map((message) => Number(message.value))).toEqual(
      replayed.map((_, index) => 50 - replayed.length + index),
    );
    expect(replayed.map((message) => message.offset)).toEqual(replayed.map((message) => message.value));
    await bus.close();
  });

  it('resumes a group where it left off, like committed offsets', async () => {
    const bus = new MemoryEventBus();
    const seen: string[] = [];
    const first = await bus.consume({
      groupId: 'g',
      topics: ['t'],
      handler: (message) => void seen.push(message.value),
    });
    await bus.produce('t', [{ key: 'k', value: '1' }]);
    await until(() => seen.length === 1);
    await first.close();
    await bus.produce('t', [{ key: 'k', value: '2' }]);
    await bus.consume({ groupId: 'g', topics: ['t'], handler: (message) => void seen.push(message.value) });
    await until(() => seen.length === 2);

    expect(seen).toEqual(['1', '2']);
    await bus.close();
  });

  it('refuses to produce once closed', async () => {
    const bus = new MemoryEventBus();
    await bus.close();
    await expect(bus.produce('t', [{ key: 'k', value: 'v' }])).rejects.toThrow('closed');
  });
});
