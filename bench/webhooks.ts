import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { countWebhookDeliveries, createWebhook, insertSignals, openDatabase, readOutbox, schema } from '@alphintra/db';
import { createTestDatabase, syntheticSignal } from '@alphintra/testkit';
import { generateWebhookSecret, WebhookDispatcher, webhookChannel } from '@alphintra/webhooks';
import { Samples } from './measure.ts';

/** What `runWebhookBench` measured. */
export interface WebhookBenchResult {
  readonly database: 'pglite' | 'postgres';
  readonly receivers: number;
  readonly signals: number;
  readonly deliveries: number;
  /** Requests that repeated a delivery already received (a retry after a timeout under load). */
  readonly duplicates: number;
  readonly seconds: number;
  readonly deliveriesPerSecond: number;
  /** From the signal's hand-over to the webhook channel to its arrival at the receiver, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Webhook fan-out: `signals` signals (over 10 symbols) to `receivers` local HTTP receivers, each a webhook matching
 * every signal; the outbox handed to the webhook channel in batches of 100 as the relay does, one dispatcher (per-
 * webhook concurrency 4). Measures deliveries per second and each delivery's latency from hand-over to arrival.
 */
export async function runWebhookBench(
  options: { receivers?: number; signals?: number; databaseUrl?: string | undefined } = {},
): Promise<WebhookBenchResult> {
  const receiverCount = options.receivers ?? 100;
  const signalCount = options.signals ?? 200;
  const created = options.databaseUrl ? await createTestDatabase(options.databaseUrl) : null;
  const database = await openDatabase({ url: created?.url });
  const servers: Server[] = [];
  const queuedAt = new Map<string, number>();
  const latency = new Samples();
  let received = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  let lastArrival = 0;
  const expected = receiverCount * signalCount;
  let done: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    done = resolve;
  });
  const dispatcher = new WebhookDispatcher({
    db: database.db,
    log: { warn: (message, error) => console.warn(message, error) },
    settings: { allowPrivate: true, pollMs: 50 },
    maxInFlight: 512,
  });
  try {
    for (let i = 0; i < receiverCount; i++) {
      // Each receiver answers 204 and notes when the signal (its id is in the body) arrived.
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const now = performance.now();
          const { signal_id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { signal_id: string };
          res.writeHead(204).end();
          // A retry after a timeout under load arrives again: at least once. Count each delivery once.
          const key = `${req.socket.localPort}:${signal_id}`;
          if (seen.has(key)) {
            duplicates++;
            return;
          }
          seen.add(key);
          latency.push(now - (queuedAt.get(signal_id) ?? now));
          received++;
          lastArrival = now;
          if (received === expected) done();
        });
      });
      server.keepAliveTimeout = 60_000;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      servers.push(server);
    }
    const [row] = await database.db
      .insert(schema.strategies)
      .values({ name: 'webhook bench' })
      .returning({ id: schema.strategies.id });
    const strategy = { id: row?.id ?? '', name: 'webhook bench', version: 1, source: 'NO_CODE' as const };
    for (const server of servers) {
      await createWebhook(database.db, {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
        description: 'bench',
        filter: {},
        secret: generateWebhookSecret(),
      });
    }
    const signals = Array.from({ length: signalCount }, (_v, i) =>
      syntheticSignal(strategy, Date.UTC(2024, 0, 1) + Math.floor(i / 10) * 60_000, `SYM${i % 10}`),
    );
    await insertSignals(database.db, signals);
    const outbox = await readOutbox(database.db, { afterSeq: 0, limit: signalCount });
    dispatcher.start();
    const channel = webhookChannel({ db: database.db, onQueued: () => dispatcher.wake() });
    const started = performance.now();
    for (let i = 0; i < outbox.length; i += 100) {
      const batch = outbox.slice(i, i + 100);
      const at = performance.now();
      for (const signal of batch) queuedAt.set(signal.id, at);
      await channel.deliver(batch);
    }
    await allArrived;
    const seconds = (lastArrival - started) / 1000;
    // Let the last attempts be recorded before the counts are read.
    while (
      (await countWebhookDeliveries(database.db)).DELIVERED + (await countWebhookDeliveries(database.db)).DEAD <
      expected
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const summary = latency.summary();
    return {
      database: database.kind,
      receivers: receiverCount,
      signals: signalCount,
      deliveries: received,
      duplicates,
      seconds,
      deliveriesPerSecond: received / seconds,
      p50Ms: summary?.p50 ?? Number.NaN,
      p99Ms: summary?.p99 ?? Number.NaN,
      maxMs: summary?.max ?? Number.NaN,
    };
  } finally {
    await dispatcher.stop();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await database.close();
    await created?.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const signals = Number(process.env['WEBHOOK_BENCH_SIGNALS'] ?? 200);
  const result = await runWebhookBench({ receivers: 100, signals, databaseUrl: process.env['DATABASE_URL'] });
  console.log(
    `${result.deliveries} deliveries to ${result.receivers} receivers (${result.database}) in ${result.seconds.toFixed(2)} s: ` +
      `${result.deliveriesPerSecond.toFixed(0)}/s (${result.duplicates} repeated); latency p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms`,
  );
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/webhooks.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}
