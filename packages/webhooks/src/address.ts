import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** One resolved address of a host. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as connections use), every address. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Addresses a webhook must not reach unless private targets are allowed. */
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // unspecified, "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (shared)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (and cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fe80::', 10], // link-local
  ['fc00::', 7], // unique local (private)
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64: may reach IPv4 inside
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:10.0.0.1`, `::ffff:a00:1`), else null. */
function mappedIpv4(address: string): string | null {
  const match = /^::ffff:(?:0:)?(.+)$/i.exec(address);
  if (!match) return null;
  const rest = match[1] as string;
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex) return null;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether an address is loopback, link-local, private, unspecified or otherwise not a public host. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return internal.check(address, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(address);
    return v4 === null ? internal.check(address, 'ipv6') : internal.check(v4, 'ipv4');
  }
  return true;
}

/** Longest URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2_048;

/** A URL that passed the checks, with the addresses its host resolved to (connect to these, nothing else). */
export interface CheckedUrl {
  readonly url: URL;
  readonly addresses: readonly ResolvedAddress[];
}

/** Why a webhook URL is refused (the message a user sees). */
export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlError';
  }
}

/** Checks the URL's form only: http(s), at most 2,048 characters, a host, no credentials. */
export function parseWebhookUrl(value: string): URL {
  if (value.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new WebhookUrlError(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters (it has ${value.length})`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhookUrlError('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookUrlError(`must be http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.hostname === '') throw new WebhookUrlError('has no host');
  if (url.username !== '' || url.password !== '') throw new WebhookUrlError('must not carry credentials');
  return url;
}

/**
 * Checks a webhook URL (form, then every address its host resolves to): the same check at registration and before
 * each attempt, since DNS can change. Throws `WebhookUrlError` with the reason.
 */
export async function checkWebhookUrl(
  value: string,
  options: { allowPrivate: boolean; resolve?: HostResolver | undefined },
): Promise<CheckedUrl> {
  const url = parseWebhookUrl(value);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: readonly ResolvedAddress[];
  const literal = isIP(host);
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new WebhookUrlError(`host ${host} does not resolve${typeof code === 'string' ? ` (${code})` : ''}`);
    }
    if (addresses.length === 0) throw new WebhookUrlError(`host ${host} does not resolve`);
  }
  if (!options.allowPrivate) {
    const bad = addresses.find((a) => isInternalAddress(a.address));
    if (bad) {
      throw new WebhookUrlError(
        `host ${host} resolves to ${bad.address}, a loopback, link-local, private or unspecified address`,
      );
    }
  }
  return { url, addresses };
}
