import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** Where readiness is served; Hive Gateway's own check (the supergraph is loaded) moves to a path of its own. */
export const READINESS_PATH = '/readiness';
/** Hive Gateway's built-in readiness check: the supergraph is loaded. */
export const SUPERGRAPH_READINESS_PATH = '/readiness/supergraph';

/** What the platform depends on, by name (`database`, `bus`, `pubsub`): each resolves when it answers. */
export type ReadinessChecks = Readonly<Record<string, () => Promise<unknown>>>;

/** How long a check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 3_000;

function withTimeout(check: () => Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([check(), timeout]).finally(() => clearTimeout(timer));
}

/**
 * `GET /readiness`: 200 when every check answers, else 503 naming the ones that did not, e.g.
 * `{"status":"unavailable","failed":["bus"]}`. Only names: a driver's error text can hold a host or a user.
 */
export function useReadiness(checks: ReadinessChecks, timeoutMs = CHECK_TIMEOUT_MS): GatewayPlugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== READINESS_PATH) return;
      const names = Object.keys(checks);
      return Promise.allSettled(
        names.map((name) => withTimeout(checks[name] as () => Promise<unknown>, timeoutMs)),
      ).then((results) => {
        const failed = names.filter((_, index) => results[index]?.status === 'rejected');
        const body = failed.length === 0 ? { status: 'ready', checked: names } : { status: 'unavailable', failed };
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status: failed.length === 0 ? 200 : 503,
            headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          }),
        );
      });
    },
  };
}
