import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// docker-compose.yml is for users with a Docker engine; none runs where the tests run, so its wiring is checked
// here: what it mounts exists, and Prometheus, Grafana, the dashboard and the platform name each other the same way.
// (Prometheus itself runs deploy's configuration against a live platform in e2e/observability.e2e.ts.)

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, 'utf8');

interface Service {
  readonly image: string;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly extra_hosts?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/** The bind mounts of a service: repository path -> path in the container. */
function mounts(name: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const volume of service(name).volumes ?? []) {
    const [source, target] = volume.split(':') as [string, string];
    if (source.startsWith('./')) result.set(source.slice(2), target);
  }
  return result;
}

/** The container path a repository file is seen at, through the service's mounts. */
function inContainer(name: string, file: string): string | null {
  for (const [source, target] of mounts(name)) {
    if (file === source) return target;
    if (file.startsWith(`${source}/`)) return `${target}${file.slice(source.length)}`;
  }
  return null;
}

function filesUnder(dir: string): string[] {
  return readdirSync(`${root}/${dir}`).flatMap((entry) => {
    const path = `${dir}/${entry}`;
    return statSync(`${root}/${path}`).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('docker-compose.yml and deploy/', () => {
  it('mounts only files and folders of the repository that exist', () => {
    for (const name of Object.keys(compose.services)) {
      for (const source of mounts(name).keys()) expect(existsSync(`${root}/${source}`), source).toBe(true);
    }
  });

  it('gives Prometheus deploy’s configuration, scraping the platform’s /metrics on its default port on the host', () => {
    expect(inContainer('prometheus', 'deploy/prometheus/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    const config = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    const [job] = config.scrape_configs;
    expect(job?.metrics_path).toBe('/metrics');
    const targets = job?.static_configs.flatMap((c) => c.targets) ?? [];
    expect(targets).toHaveLength(1);
    const [host, port] = (targets[0] as string).split(':');
    // The gateway's default PORT (docs/contract.md), reached through the host name compose maps to the host.
    expect(port).toBe('4000');
    expect(service('prometheus').extra_hosts).toContain(`${host}:host-gateway`);
  });

  it('provisions Grafana with the Prometheus service as the data source every dashboard panel names', () => {
    const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const [source] = datasources.datasources;
    expect(source?.type).toBe('prometheus');
    const url = new URL(source?.url ?? '');
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(service(url.hostname).ports?.map((p) => p.split(':')[1])).toContain(url.port);

    // Grafana reads provisioning from /etc/grafana/provisioning; the dashboard provider's folder is mounted.
    expect(inContainer('grafana', 'deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const providers = parse(read('deploy/grafana/provisioning/dashboards/alphintra.yml')) as {
      providers: { options: { path: string } }[];
    };
    const dashboards = filesUnder('deploy/grafana/dashboards').filter((file) => file.endsWith('.json'));
    expect(dashboards.length).toBeGreaterThan(0);
    for (const file of dashboards) {
      const mounted = inContainer('grafana', file);
      expect(mounted?.startsWith(`${providers.providers[0]?.options.path}/`), file).toBe(true);
      const uids = new Set<string>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node !== null && typeof node === 'object') {
          const { datasource } = node as { datasource?: { uid?: string } };
          if (datasource?.uid !== undefined) uids.add(datasource.uid);
          Object.values(node).forEach(walk);
        }
      };
      walk(JSON.parse(read(file)));
      expect([...uids]).toEqual([source?.uid]);
    }
    const home = service('grafana').environment?.['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'];
    expect(dashboards.map((file) => inContainer('grafana', file))).toContain(home);
  });

  it('publishes PostgreSQL, Redis and Kafka where the README’s command for them connects', () => {
    const published = (name: string) => service(name).ports?.map((p) => p.split(':')[0]);
    expect(published('postgres')).toContain('5432');
    expect(published('redis')).toContain('6379');
    expect(published('kafka')).toContain('9092');
    // The README's command for running on these services.
    const readme = read('README.md');
    const database = service('postgres').environment?.['POSTGRES_DB'];
    expect(readme).toContain(`DATABASE_URL=postgres://postgres@localhost:5432/${database}`);
    expect(readme).toContain('REDIS_URL=redis://localhost:6379');
    expect(readme).toContain('KAFKA_BROKERS=localhost:9092');
    expect(service('kafka').environment?.['KAFKA_ADVERTISED_LISTENERS']).toBe('PLAINTEXT://localhost:9092');
  });
});
