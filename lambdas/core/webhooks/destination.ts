/**
 * Where a webhook may be sent (DESIGN §3.3): the SSRF rules, checked when a webhook is registered and again
 * before every delivery, on the addresses the host name resolves to at that moment.
 */
import ipaddr from 'ipaddr.js';

/** What the runtime allows beyond public https: the local runtime also posts to loopback, over http too. */
export interface DestinationPolicy {
  allowLoopback: boolean;
}

export const AWS_DESTINATIONS: DestinationPolicy = { allowLoopback: false };
export const LOCAL_DESTINATIONS: DestinationPolicy = { allowLoopback: true };

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Resolves a host name to every address it has now (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** A refusal; `reason` is for logs and the caller's message, never an address. */
export class DestinationRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DestinationRefused';
  }
}

/**
 * Only ordinary public unicast addresses. Everything ipaddr.js classifies otherwise is refused: private,
 * loopback (unless allowed), link-local (169.254.169.254, the metadata endpoint, is one), CGNAT, multicast,
 * broadcast, unspecified, reserved and documentation ranges, IPv6 unique-local (fd00:ec2::254, the IPv6
 * metadata endpoint), IPv4-mapped and NAT64 / 6to4 / Teredo forms that could embed an internal IPv4 address.
 */
export function isAllowedAddress(address: string, policy: DestinationPolicy): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  const range = parsed.range();
  if (range === 'unicast') return true;
  return range === 'loopback' && policy.allowLoopback;
}

/** A URL's host as an address when it is an IP literal (`[::1]` → `::1`), else undefined. */
function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare))
    ? bare
    : undefined;
}

/** The URL's form: https (or http when loopback is allowed), no credentials, a host, bounded length. */
export function parseDestinationUrl(raw: string, policy: DestinationPolicy): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw new DestinationRefused('the URL is too long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused('not an absolute URL');
  }
  const schemes = policy.allowLoopback ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new DestinationRefused(policy.allowLoopback ? 'must be https or http' : 'must be https');
  }
  if (url.username || url.password) throw new DestinationRefused('must not carry credentials');
  if (!url.hostname) throw new DestinationRefused('must name a host');
  return url;
}

/**
 * The addresses a delivery to `url` may connect to, all of them checked: a name with any refused address is
 * refused as a whole (so DNS answers cannot mix in an internal one). http is allowed to loopback only.
 */
export async function checkDestination(
  url: URL,
  policy: DestinationPolicy,
  resolve: HostResolver,
): Promise<string[]> {
  const literal = literalAddress(url.hostname);
  let addresses: string[];
  if (literal !== undefined) addresses = [literal];
  else {
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw new DestinationRefused('the host does not resolve');
    }
    if (addresses.length === 0) throw new DestinationRefused('the host does not resolve');
  }
  if (!addresses.every((address) => isAllowedAddress(address, policy))) {
    throw new DestinationRefused('the host is not a public address');
  }
  if (url.protocol === 'http:' && !addresses.every(isLoopback)) {
    throw new DestinationRefused('http is allowed to loopback only; use https');
  }
  return addresses;
}

function isLoopback(address: string): boolean {
  try {
    return ipaddr.parse(address).range() === 'loopback';
  } catch {
    return false;
  }
}
