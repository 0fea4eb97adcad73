/**
 * The gateway over the strategy and signal subgraphs on one database whose every SQL statement is counted: a
 * selection that crosses the two services costs one batched query per hop, however many entities it touches.
 */
import { type ClosablePubSub, createMemoryPubSub, MemoryEventBus } from '@alphintra/bus';
import { AlphintraClient, GraphQLRequestError, LiveSignalsDocument } from '@alphintra/client';
import { SIGNALS_CHANNEL, type Signal, signalId } from '@alphintra/core';
import { type Db, insertSignals, MIGRATIONS_FOLDER, openOutcomeOf, saveOutcomes, schema } from '@alphintra/db';
import { type RunningGateway, startGateway } from '@alphintra/gateway';
import { startSignalSubgraph } from '@alphintra/signal-subgraph';
import { startStrategySubgraph } from '@alphintra/strategy-subgraph';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STRATEGIES = 5;
const SIGNALS_PER_STRATEGY = 24;
const BASE = Date.UTC(2019, 9, 11, 0, 0, 0);
const MINUTE = 60_000;

function signalOf(strategy: { id: string; name: string }, minute: number, shadow = false): Signal {
  const time = BASE + minute * MINUTE;
  return {
    id: signalId(strategy.id, 1, 'XRPETH', time),
    timestamp: time,
    strategyId: strategy.id,
    strategyName: strategy.name,
    strategyVersion: 1,
    strategySource: 'NO_CODE',
    symbol: 'XRPETH',
    action: 'BUY',
    confidence: 0.5,
    quantity: null,
    priceTarget: '0.0015',
    stopLoss: '0.0014',
    takeProfit: '0.0016',
    riskScore: 0.5,
    metadata: { marketConditions: 'RANGING', volatility: 0.001, volumeProfile: 'NORMAL' },
    explanation: { rule: 'fast-above-slow', indicators: [{ name: 'emaFast', value: 0.00151 }] },
    expiresAt: time + 5 * MINUTE,
    shadow,
    executionParams: { orderType: 'LIMIT', timeInForce: 'GTC', maxSlippage: 0.001 },
    marketDataTimestamp: time - 1,
    latencyMs: null,
  };
}

describe('signals and strategies across the gateway', () => {
  const statements: string[] = [];
  let client: PGlite;
  let subgraphs: Awaited<ReturnType<typeof startSignalSubgraph>>[] = [];
  let gateway: RunningGateway;
  let pubsub: ClosablePubSub;
  let db: Db;
  const owners: { id: string; name: string }[] = [];

  beforeAll(async () => {
    client = new PGlite();
    const pglite = drizzle({
      client,
      schema,
      casing: 'snake_case',
      logger: { logQuery: (query) => statements.push(query) },
    });
    await migrate(pglite, { migrationsFolder: MIGRATIONS_FOLDER });
    db = pglite;
    // Plain rows in the shape every strategy schema so far reads (a legacy version: type + parameters).
    for (let i = 0; i < STRATEGIES; i++) {
      const name = `owner-${i}`;
      const { rows } = await client.query<{ id: string }>('insert into strategies (name) values ($1) returning id', [
        name,
      ]);
      const id = rows[0]?.id ?? '';
      await client.query(
        `insert into strategy_versions (strategy_id, version, source, symbols, interval, type, parameters)
         values ($1, 1, 'NO_CODE', '{XRPETH}', '1m', 'EMA_CROSSOVER', '{"fastPeriod":9,"slowPeriod":21}')`,
        [id],
      );
      owners.push({ id, name });
    }
    // Interleaved in time, so the newest 100 signals name every strategy.
    const signals = owners.flatMap((owner, i) =>
      Array.from({ length: SIGNALS_PER_STRATEGY }, (_, k) => signalOf(owner, k * STRATEGIES + i)),
    );
    await insertSignals(db, signals);

    pubsub = createMemoryPubSub();
    subgraphs = await Promise.all([
      startStrategySubgraph({ db, bus: new MemoryEventBus(), intervals: ['1m'] }),
      startSignalSubgraph({ db, pubsub }),
    ]);
    gateway = await startGateway({
      subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
      port: 0,
      host: '127.0.0.1',
      logging: false,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((s) => s.close()));
    await client?.close();
    await pubsub?.close();
  });

  async function run(query: string): Promise<{ data: unknown; sql: string[] }> {
    statements.length = 0;
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return { data: body.data, sql: [...statements] };
  }

  const touching = (sql: readonly string[], table: string) => sql.filter((s) => s.includes(`"${table}"`));

  it('resolves the strategy of 100 signals with one strategy look-up', async () => {
    const { data, sql } = await run('{ signals(first: 100) { edges { node { id strategy { id name createdAt } } } } }');
    const nodes = (data as { signals: { edges: { node: { strategy: { id: string; name: string } } }[] } }).signals
      .edges;
    expect(nodes).toHaveLength(100);
    expect(new Set(nodes.map((e) => e.node.strategy.name))).toEqual(new Set(owners.map((o) => o.name)));
    expect(touching(sql, 'signals')).toHaveLength(1);
    expect(touching(sql, 'strategies')).toHaveLength(1);
  });

  it('pages the signals of 50 strategies with one signals query', async () => {
    const { data, sql } = await run(
      '{ strategies(first: 50) { edges { node { id signals(first: 3) { edges { node { timestamp } } pageInfo { hasNextPage } } } } } }',
    );
    type Page = { edges: { node: { timestamp: string } }[]; pageInfo: { hasNextPage: boolean } };
    const edges = (data as { strategies: { edges: { node: { id: string; signals: Page } }[] } }).strategies.edges;
    expect(edges).toHaveLength(STRATEGIES);
    for (const { node } of edges) {
      const i = owners.findIndex((o) => o.id === node.id);
      // Strategy i signalled at minutes i, i+5, ..., i+115: its newest three are the last three of those.
      const newest = [23, 22, 21].map((k) => new Date(BASE + (k * STRATEGIES + i) * MINUTE).toISOString());
      expect(node.signals.edges.map((e) => e.node.timestamp)).toEqual(newest);
      expect(node.signals.pageInfo.hasNextPage).toBe(true);
    }
    expect(touching(sql, 'signals')).toHaveLength(1);
  });

  it('reads the outcomes of 100 signals with one query: stored, OPEN without one, none for a shadow signal', async () => {
    // The newest signal (strategy 4 at minute 119) reached its target at 0.0016 two minutes later; the one before it
    // has no outcome stored yet.
    const newest = signalOf(owners[4] ?? { id: '', name: '' }, 119);
    const previous = signalOf(owners[3] ?? { id: '', name: '' }, 118);
    const closedAt = newest.timestamp + 2 * MINUTE;
    const returnPct = ((0.0016 - 0.0015) / 0.0015) * 100;
    await saveOutcomes(db, [
      {
        outcome: { ...openOutcomeOf(newest), status: 'TAKE_PROFIT', closedAt, exitPrice: 0.0016, returnPct },
        interval: '1m',
      },
    ]);
    const { data, sql } = await run(
      '{ signals(first: 100) { edges { node { id outcome { status closedAt exitPrice returnPct } } } } }',
    );
    type Node = { id: string; outcome: unknown };
    const nodes = (data as { signals: { edges: { node: Node }[] } }).signals.edges.map((e) => e.node);
    expect(nodes).toHaveLength(100);
    expect(nodes[0]).toEqual({
      id: newest.id,
      outcome: { status: 'TAKE_PROFIT', closedAt: new Date(closedAt).toISOString(), exitPrice: '0.0016', returnPct },
    });
    expect(nodes[1]).toEqual({
      id: previous.id,
      outcome: { status: 'OPEN', closedAt: null, exitPrice: null, returnPct: null },
    });
    expect(touching(sql, 'signal_outcomes')).toHaveLength(1);

    const shadow = signalOf(owners[0] ?? { id: '', name: '' }, 1_000, true);
    await insertSignals(db, [shadow]);
    const one = await run(`{ signal(id: "${shadow.id}") { id shadow outcome { status } } }`);
    expect(one.data).toEqual({ signal: { id: shadow.id, shadow: true, outcome: null } });
  });

  it('never delivers a shadow signal to a subscriber, and refuses a subscription asking for them', async () => {
    const subscriber = new AlphintraClient({ url: gateway.url });
    try {
      const owner = owners[0] ?? { id: '', name: '' };
      const events = subscriber.subscribe(LiveSignalsDocument, { filter: {} });
      const first = events.next();
      // The subscription is set up asynchronously: publish a shadow then a live signal until the live one arrives.
      let minute = 1_000;
      const published: Signal[] = [];
      const publishing = setInterval(() => {
        for (const signal of [signalOf(owner, minute, true), signalOf(owner, minute + 1)]) {
          published.push(signal);
          void pubsub.publish(SIGNALS_CHANNEL, signal);
        }
        minute += 2;
      }, 50);
      const received = await first.finally(() => clearInterval(publishing));
      const live = published.filter((s) => !s.shadow).map((s) => s.id);
      expect(received.value?.signals.shadow).toBe(false);
      expect(live).toContain(received.value?.signals.id);
      // Subscribed now: a shadow signal published right before a live one is skipped.
      const after = [signalOf(owner, minute + 10, true), signalOf(owner, minute + 11)];
      for (const signal of after) await pubsub.publish(SIGNALS_CHANNEL, signal);
      const seen: { id: string; shadow: boolean }[] = [];
      while (seen.at(-1)?.id !== after[1]?.id) {
        const event = await events.next();
        if (event.done) break;
        seen.push(event.value.signals);
      }
      expect(seen.filter((s) => s.shadow || s.id === after[0]?.id)).toEqual([]);
      expect(seen.at(-1)?.id).toBe(after[1]?.id);
      await events.return?.();

      const refused = subscriber.subscribe(LiveSignalsDocument, { filter: { shadow: true } });
      const error = await refused.next().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GraphQLRequestError);
      expect((error as GraphQLRequestError).errors[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    } finally {
      await subscriber.close();
    }
  });
});
