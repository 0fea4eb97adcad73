import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AlphintraClient, LiveSignalsDocument, RegisterWebhookDocument } from '@alphintra/client';
import { createTestDatabase, ownKafkaBroker, serviceUrl, uniqueSuffix, WebhookReceiver } from '@alphintra/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, PLATFORM_MAIN, REPO_ROOT, TRADES_SLICE, waitFor } from './support.ts';

const servers = {
  database: serviceUrl('DATABASE_URL'),
  redis: serviceUrl('REDIS_URL'),
  kafka: serviceUrl('KAFKA_BROKERS'),
};
const [databaseUrl, redisUrl] = [servers.database, servers.redis];
const enabled = Object.values(servers).every((url) => url !== undefined);
const DASHBOARD = fileURLToPath(new URL('../deploy/grafana/dashboards/alphintra.json', import.meta.url));
const PROMETHEUS_CONFIG = fileURLToPath(new URL('../deploy/prometheus/prometheus.yml', import.meta.url));

/** Debian's `prometheus` package (`prometheus`, `promtool`); CI installs it (`.ci/run`), elsewhere it may be absent. */
const havePrometheus = ['prometheus', 'promtool'].every((tool) => !spawnSync(tool, ['--version']).error);
if (!havePrometheus && process.env['CI'] === 'true') {
  throw new Error(
    'prometheus / promtool are missing: CI=true requires the Prometheus checks (apt-get install -y prometheus)',
  );
}
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Dashboard metrics a replay cannot give: the feed lag is an exchange's (receive time minus trade time). */
const LIVE_FEED_ONLY = ['alphintra_feed_lag_seconds'];

/** Every PromQL expression of the Grafana dashboard, with its panel's title. */
function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

describe.skipIf(!havePrometheus)('the Prometheus configuration in deploy/', () => {
  it('passes promtool check config', async () => {
    const { stdout } = await run('promtool', ['check', 'config', PROMETHEUS_CONFIG]);
    expect(stdout).toMatch(/SUCCESS/);
  });
});

/** One sample value of a Prometheus text exposition, by its exact series text (name and labels). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The metric families the exposition declares (`# TYPE <name> <type>`). */
function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1] as string));
}

/** The metric names the dashboard's queries use, histogram series reduced to their family. */
function dashboardMetrics(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
  const names = exprs.flatMap((expr) => [...expr.matchAll(/\b(?:alphintra|graphql|process|nodejs)_[a-z_]+/g)]);
  return [...new Set(names.map((m) => m[0].replace(/_(bucket|sum|count)$/, '')))].sort();
}

/**
 * The platform as an operator runs it (`pnpm start`'s entry point as a child process) on real servers with
 * credentials everywhere: a password in DATABASE_URL and REDIS_URL, Kafka over TLS (a private CA, from its file)
 * with SASL/SCRAM on a broker of the test's own, a webhook with its signing secret, a bearer token on every
 * request. Its metrics, health and whole output are checked from outside.
 */
describe.skipIf(!enabled)('an operated platform: metrics, health, logs without secrets', () => {
  const secrets = {
    database: `dbpw${uniqueSuffix()}`,
    redis: `redispw${uniqueSuffix()}`,
    kafka: `kafkapw${uniqueSuffix()}`,
    token: `eyJhbGciOiJIUzI1NiJ9.${uniqueSuffix()}.${uniqueSuffix()}`,
    webhook: '',
  };
  const broker = ownKafkaBroker({ port: 19_292, sasl: { username: 'alphintra', password: secrets.kafka }, tls: true });
  const output: string[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  let child: ChildProcess;
  let origin = '';
  let client: AlphintraClient;

  beforeAll(async () => {
    const database = await createTestDatabase(databaseUrl as string);
    cleanup.push(database.drop);
    await broker.start();
    cleanup.push(() => broker.stop());
    const receiver = await WebhookReceiver.start();
    cleanup.push(() => receiver.close());
    // The shared servers accept any password (trust, nopass): what matters is where the password ends up.
    const dbUrl = new URL(database.url);
    dbUrl.password = secrets.database;
    const suffix = uniqueSuffix();
    child = spawn(process.execPath, ['--import', 'tsx', PLATFORM_MAIN], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      env: {
        ...process.env,
        DATABASE_URL: dbUrl.toString(),
        REDIS_URL: (redisUrl as string).replace('redis://', `redis://default:${secrets.redis}@`),
        REDIS_CHANNEL_PREFIX: `e2e-${suffix}:`,
        KAFKA_BROKERS: broker.brokers,
        KAFKA_SSL_CA: broker.caFile,
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'alphintra',
        KAFKA_SASL_PASSWORD: secrets.kafka,
        CONSUMER_GROUP_PREFIX: `e2e-${suffix}`,
        MARKET_DATA: `replay:${TRADES_SLICE}`,
        // 284 minutes of trades in about 30 s: the webhook is registered while signals are still coming.
        REPLAY_SPEED: '600',
        REPLAY_LOOP: 'false',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_POLL_MS: '50',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: '',
        PORT: '0',
        HOST: '127.0.0.1',
      },
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    cleanup.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    await waitFor('the gateway', () => /gateway: http:\/\/localhost:(\d+)\//.test(output.join('')), 120_000);
    origin = `http://127.0.0.1:${/gateway: http:\/\/localhost:(\d+)\//.exec(output.join(''))?.[1]}`;
    client = new AlphintraClient({
      url: `${origin}/graphql`,
      headers: { authorization: `Bearer ${secrets.token}` },
    });
    cleanup.push(() => client.close());
    const { registerWebhook } = await client.request(RegisterWebhookDocument, {
      input: { url: receiver.url, description: 'observability' },
    });
    secrets.webhook = registerWebhook.secret;
    receiver.secrets = [registerWebhook.secret];
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  const metrics = async () => (await fetch(`${origin}/metrics`)).text();

  it('is live and ready, and /metrics holds every histogram with counts and every metric the dashboard shows', async () => {
    expect((await fetch(`${origin}/healthcheck`)).status).toBe(200);
    const ready = await fetch(`${origin}/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checked: ['database', 'bus', 'pubsub'] });

    const subscription = collect(client.subscribe(LiveSignalsDocument, { filter: { symbols: ['XRPETH'] } }));
    await waitFor(
      'a subscription counted as open',
      async () => (sample(await metrics(), 'alphintra_subscriptions_open') ?? 0) >= 1,
    );
    const channels = ['pubsub', 'kafka', 'webhooks'];
    await waitFor(
      'signals delivered on every channel and to the webhook',
      async () => {
        const text = await metrics();
        return (
          channels.every(
            (channel) =>
              (sample(text, `alphintra_signal_delivery_latency_seconds_count{channel="${channel}"}`) ?? 0) > 0,
          ) && (sample(text, 'alphintra_webhook_attempts_total{outcome="delivered"}') ?? 0) > 0
        );
      },
      120_000,
    );
    await waitFor('a live signal on the subscription', () => subscription.items.length > 0);
    await subscription.stop();
    await waitFor(
      'the subscription counted as closed',
      async () => sample(await metrics(), 'alphintra_subscriptions_open') === 0,
    );

    const text = await metrics();
    expect(sample(text, 'alphintra_signal_store_latency_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'alphintra_trades_total{symbol="XRPETH"}')).toBeGreaterThan(0);
    expect(sample(text, 'alphintra_candles_total{symbol="XRPETH",interval="1m"}')).toBeGreaterThan(0);
    expect(sample(text, 'alphintra_feed_state{provider="replay",state="CONNECTED"}')).toBe(1);
    expect(text).toMatch(/^alphintra_signals_total\{strategy="[^"]+",symbol="XRPETH",action="(BUY|SELL)"\} [1-9]/m);
    expect(text).toMatch(/^alphintra_outbox_depth\{channel="kafka"\} \d+$/m);
    expect(text).toMatch(/^alphintra_kafka_consumer_lag\{group="e2e-[^"]+\.engine",topic="market\.candles"\} \d+$/m);
    expect(text).toMatch(/^graphql_envelop_request_duration_count\{operationType="mutation"\} [1-9]/m);

    const declared = families(text);
    const missing = dashboardMetrics().filter((name) => !declared.has(name));
    expect(dashboardMetrics().length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it.skipIf(!havePrometheus)(
    "gives a series for every query of the Grafana dashboard, in a real Prometheus scraping it with deploy's configuration",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'alphintra-prometheus-'));
      const port = await freePort();
      // deploy's configuration, pointed at this platform and scraping every second so that rates have samples soon.
      const deployed = readFileSync(PROMETHEUS_CONFIG, 'utf8');
      const config = deployed
        .replace('host.docker.internal:4000', new URL(origin).host)
        .replace(/scrape_interval: \d+s/, 'scrape_interval: 1s');
      expect(config).not.toBe(deployed);
      expect(config).toContain(new URL(origin).host);
      await writeFile(join(dir, 'prometheus.yml'), config);
      const prometheus = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      try {
        // An error answer (a field the schema lacks), so that the errors panel has a series to show.
        const invalid = await fetch(`${origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.token}` },
          body: JSON.stringify({ query: '{ noSuchField }' }),
        });
        expect(((await invalid.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
        const api = `http://127.0.0.1:${port}/api/v1`;
        const query = async (expr: string) => {
          const response = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
          return (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
        };
        const queries = dashboardQueries();
        expect(queries.length).toBeGreaterThan(15);
        // Every query but the live-feed ones must give a series; those must still parse and run.
        expect(queries.filter((q) => LIVE_FEED_ONLY.some((name) => q.expr.includes(name)))).toHaveLength(1);
        const empty = async () => {
          const answers = await Promise.all(queries.map(async (q) => ({ ...q, answer: await query(q.expr) })));
          return answers.filter(
            (a) =>
              a.answer.status !== 'success' ||
              ((a.answer.data?.result.length ?? 0) === 0 && !LIVE_FEED_ONLY.some((name) => a.expr.includes(name))),
          );
        };
        await waitFor(
          'Prometheus to answer',
          () =>
            fetch(`http://127.0.0.1:${port}/-/ready`).then(
              (r) => r.ok,
              () => false,
            ),
          30_000,
        );
        await waitFor('a series for every dashboard query', async () => (await empty()).length === 0, 60_000).catch(
          () => {},
        );
        expect(
          (await empty()).map((q) => `${q.panel}: ${q.expr} -> ${q.answer.error ?? 'no series'}`),
          'queries without a series',
        ).toEqual([]);
      } finally {
        if (prometheus.exitCode === null && prometheus.signalCode === null) {
          const exited = new Promise((resolve) => prometheus.once('exit', resolve));
          prometheus.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('says which dependency is missing when one is: the Kafka broker stopped makes /readiness 503 naming the bus', async () => {
    await broker.stop();
    await waitFor('readiness to fail', async () => (await fetch(`${origin}/readiness`)).status === 503, 60_000);
    expect(await (await fetch(`${origin}/readiness`)).json()).toEqual({ status: 'unavailable', failed: ['bus'] });
    expect((await fetch(`${origin}/healthcheck`)).status).toBe(200);
  });

  it('logs JSON lines, and never a password, token or webhook secret', async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const lines = output.join('').split('\n').filter(Boolean);
    const json = lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    expect(json.length).toBeGreaterThan(5);
    expect(json.length).toBe(lines.length);
    for (const entry of json) expect(entry).toMatchObject({ level: expect.any(Number), time: expect.any(String) });
    expect(json.some((entry) => entry['msg'] === 'SIGTERM: shutting down')).toBe(true);

    const everything = output.join('');
    const webhookKey = secrets.webhook.replace(/^whsec_/, '');
    expect(webhookKey.length).toBeGreaterThan(20);
    for (const secret of [secrets.database, secrets.redis, secrets.kafka, secrets.token, webhookKey]) {
      expect(everything).not.toContain(secret);
    }
  });
});
