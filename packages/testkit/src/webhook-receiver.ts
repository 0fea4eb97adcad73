import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Signatures older or newer than this are refused (the Standard Webhooks recommendation). */
export const WEBHOOK_TOLERANCE_S = 5 * 60;

/**
 * Verifies a Standard Webhooks message exactly as the specification (standardwebhooks.com) tells a receiver to,
 * with nothing but `node:crypto`: the timestamp within 5 minutes of `nowS`; the key is the base64 part of the
 * `whsec_` secret, decoded; the expected signature is the base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`;
 * any one `v1,<signature>` of the space-separated list must equal it, compared in constant time.
 * Returns null when the message is genuine, else why not.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: { id?: string | undefined; timestamp?: string | undefined; signature?: string | undefined },
  body: string,
  nowS: number = Math.floor(Date.now() / 1000),
): string | null {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return 'missing headers';
  if (!/^\d+$/.test(timestamp)) return 'bad timestamp';
  const sentAt = Number(timestamp);
  if (sentAt < nowS - WEBHOOK_TOLERANCE_S) return 'timestamp too old';
  if (sentAt > nowS + WEBHOOK_TOLERANCE_S) return 'timestamp too new';
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  for (const versioned of signature.split(' ')) {
    const [version, value] = versioned.split(',');
    if (version !== 'v1' || value === undefined) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  }
  return 'no matching signature';
}

/** One request a receiver got. */
export interface ReceivedWebhook {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly contentType: string;
  readonly body: string;
  /** null when the signature verified with one of the receiver's secrets, else the reason. */
  readonly rejected: string | null;
  readonly receivedAt: number;
}

/** What the receiver does with a request: answer it (the default: 204 when genuine, 401 when not), or misbehave. */
export type ReceiverBehaviour =
  | { readonly kind: 'answer'; readonly status?: number; readonly headers?: Record<string, string> }
  | { readonly kind: 'hang' }
  | { readonly kind: 'garbage' };

/**
 * A webhook receiver on a real local HTTP server: verifies every request with its secrets, records it, and answers
 * as `behave` says for the n-th request (0-based). Closes every connection on `close`.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  secrets: string[];
  behave: (request: ReceivedWebhook, index: number) => ReceiverBehaviour;
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  #port = 0;

  private constructor(secrets: string[], behave?: WebhookReceiver['behave']) {
    this.secrets = secrets;
    this.behave = behave ?? (() => ({ kind: 'answer' }));
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 60_000;
  }

  /** Starts a receiver on `port` (0: a free one) of 127.0.0.1. */
  static async start(
    options: { secrets?: string[]; port?: number; behave?: WebhookReceiver['behave'] } = {},
  ): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options.secrets ?? [], options.behave);
    await new Promise<void>((resolve, reject) => {
      receiver.#server.once('error', reject);
      receiver.#server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    receiver.#port = (receiver.#server.address() as AddressInfo).port;
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hooks/signals`;
  }

  /** The requests that verified and were answered with a 2xx. */
  get accepted(): ReceivedWebhook[] {
    return this.requests.filter((r, i) => r.rejected === null && this.#answered2xx.has(i));
  }

  readonly #answered2xx = new Set<number>();

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(',') : (value ?? '');
      };
      const headers = {
        id: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
      };
      const reasons = this.secrets.map((secret) => verifyStandardWebhook(secret, headers, body));
      const request: ReceivedWebhook = {
        ...headers,
        contentType: header('content-type'),
        body,
        rejected: reasons.includes(null) ? null : (reasons[0] ?? 'no secret'),
        receivedAt: Date.now(),
      };
      const index = this.requests.push(request) - 1;
      const behaviour = this.behave(request, index);
      if (behaviour.kind === 'hang') {
        this.#hanging.add(res);
        res.on('close', () => this.#hanging.delete(res));
        return;
      }
      if (behaviour.kind === 'garbage') {
        req.socket.end('this is not HTTP\r\n\r\n');
        return;
      }
      const status = behaviour.status ?? (request.rejected === null ? 204 : 401);
      if (status >= 200 && status < 300) this.#answered2xx.add(index);
      res.writeHead(status, behaviour.headers ?? {});
      res.end(status === 204 ? undefined : (request.rejected ?? 'ok'));
    });
  }
}
