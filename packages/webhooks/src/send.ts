import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkWebhookUrl, type HostResolver, type ResolvedAddress, WebhookUrlError } from './address.ts';

/** What one attempt came to: `ok` for a complete 2xx answer in time, else the reason. */
export interface WebhookAttemptResult {
  readonly ok: boolean;
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** One POST of a signed message. */
export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  readonly resolve?: HostResolver | undefined;
}

// Connections are kept alive per process: most attempts go to receivers already connected to.
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

const MAX_RESPONSE_BYTES = 64 * 1024;

class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`timeout: no complete answer within ${ms} ms`);
    this.name = 'AttemptTimeout';
  }
}

/** Connects only to the addresses that were checked, so a DNS change between check and connect cannot slip past. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const [first] = addresses;
    if (options.all) {
      (callback as (e: null, a: { address: string; family: number }[]) => void)(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    } else if (first) (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
  };
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof AttemptTimeout) return `timeout: no complete answer within ${timeoutMs} ms`;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset by the receiver';
  if (typeof code === 'string' && code.startsWith('HPE_')) return `invalid HTTP response (${code}: ${text})`;
  return typeof code === 'string' ? `${code}: ${text}` : text;
}

/**
 * POSTs one message and waits for the complete answer. A 2xx within `timeoutMs` is success; anything else
 * (another status, a redirect, which is never followed, a timeout, a refused or reset connection, an answer that is
 * not HTTP, a host that now resolves to a forbidden address) is a failure with its reason. Never throws.
 */
export async function postWebhook(request: WebhookRequest): Promise<WebhookAttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  let checked: Awaited<ReturnType<typeof checkWebhookUrl>>;
  try {
    checked = await checkWebhookUrl(request.url, { allowPrivate: request.allowPrivate, resolve: request.resolve });
  } catch (error) {
    const reason = error instanceof WebhookUrlError ? error.message : reasonOf(error, request.timeoutMs);
    return { ok: false, httpStatus: null, latencyMs: elapsed(), error: `address refused: ${reason}` };
  }
  const { url, addresses } = checked;
  const https = url.protocol === 'https:';
  return new Promise<WebhookAttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookAttemptResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const fail = (error: unknown, httpStatus: number | null = null) =>
      finish({ ok: false, httpStatus, error: reasonOf(error, request.timeoutMs) });
    const body = Buffer.from(request.body);
    const req = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: https ? agents.https : agents.http,
      lookup: pinnedLookup(addresses),
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': 'Alphintra-Webhooks/1',
      },
    });
    const timer = setTimeout(() => req.destroy(new AttemptTimeout(request.timeoutMs)), request.timeoutMs);
    req.on('error', (error) => fail(error));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // The answer's body is not used: read a little so the connection can be reused, then give up on it.
        if (size > MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('error', (error) => fail(error, status));
      res.on('close', () => {
        if (!res.complete && size <= MAX_RESPONSE_BYTES) return fail(new Error('answer cut off'), status);
        if (status >= 200 && status < 300) finish({ ok: true, httpStatus: status, error: null });
        else if (status >= 300 && status < 400) {
          const location = res.headers.location;
          finish({
            ok: false,
            httpStatus: status,
            error: `redirect (HTTP ${status}${location ? ` to ${location}` : ''}) not followed`,
          });
        } else finish({ ok: false, httpStatus: status, error: `HTTP ${status}` });
      });
    });
    req.end(body);
  });
}
