import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which outbound addresses the notifier may connect to. Integration URLs are written by users, so a URL
 * must not reach the notifier's own network: loopback, private ranges, link-local (cloud metadata at
 * 169.254.169.254), and every other range that is not the public internet. Only an operator's allow-list
 * (`VIGIL_NOTIFIER_ALLOWED_CIDRS`) opens one of them.
 */

/** What kind of network an address belongs to; everything but `public` is refused unless allowed. */
export const ADDRESS_CLASSES = ['public', 'loopback', 'private', 'link_local', 'unspecified', 'multicast', 'reserved'] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

export interface IpAddress {
  family: 4 | 6;
  /** The address as an unsigned integer of 32 or 128 bits. */
  value: bigint;
}

export interface Cidr {
  family: 4 | 6;
  /** The network address: `value` with the host bits cleared. */
  network: bigint;
  prefix: number;
}

const V4_BITS = 32;
const V6_BITS = 128;

/** An IPv4 or IPv6 address in text (an IPv6 zone such as `%eth0` is ignored), or null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const address = unbracketed.replace(/%[^%]*$/, '');
  if (isIPv4(address)) return { family: 4, value: parseV4(address) };
  if (isIPv6(address)) return { family: 6, value: parseV6(address) };
  return null;
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** Expands `::` and a trailing dotted quad; `isIPv6` has already checked the syntax. */
function parseV6(text: string): bigint {
  let body = text.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (quad?.[1]) {
    const v4 = parseV4(quad[1]);
    body = `${body.slice(0, -quad[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** `a.b.c.d/n`, `v6/n`, or a bare address (a /32 or /128); null when malformed. Host bits are cleared. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.lastIndexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return null;
  const bits = ip.family === 4 ? V4_BITS : V6_BITS;
  let prefix = bits;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits)) return null;
    prefix = Number(digits);
    if (prefix > bits) return null;
  }
  return { family: ip.family, network: ip.value & mask(ip.family, prefix), prefix };
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(family === 4 ? V4_BITS : V6_BITS);
  const all = (1n << bits) - 1n;
  return (all >> BigInt(prefix)) ^ all;
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && (ip.value & mask(ip.family, cidr.prefix)) === cidr.network;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad built-in range ${text}`);
  return parsed;
}

/**
 * IPv4 ranges that are not the public internet (IANA special-purpose registry). The first match names the
 * class; an address in none of them is public.
 */
const V4_RANGES: ReadonlyArray<readonly [Cidr, AddressClass]> = [
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('100.64.0.0/10'), 'private'], // carrier-grade NAT
  [cidr('169.254.0.0/16'), 'link_local'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [cidr('192.0.2.0/24'), 'reserved'], // documentation
  [cidr('198.51.100.0/24'), 'reserved'],
  [cidr('203.0.113.0/24'), 'reserved'],
  [cidr('198.18.0.0/15'), 'reserved'], // benchmarking
  [cidr('192.88.99.0/24'), 'reserved'], // 6to4 relay anycast (deprecated)
  [cidr('240.0.0.0/4'), 'reserved'], // future use, and 255.255.255.255 broadcast
];

const V6_RANGES: ReadonlyArray<readonly [Cidr, AddressClass]> = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('fc00::/7'), 'private'], // unique local
  [cidr('fec0::/10'), 'private'], // site-local (deprecated)
  [cidr('fe80::/10'), 'link_local'],
  [cidr('ff00::/8'), 'multicast'],
  [cidr('100::/64'), 'reserved'], // discard
  [cidr('2001:db8::/32'), 'reserved'], // documentation
  [cidr('2001::/23'), 'reserved'], // IETF protocol assignments (Teredo, ORCHID, ...)
  [cidr('2002::/16'), 'reserved'], // 6to4: embeds an IPv4 address a relay would reach
  [cidr('::/96'), 'reserved'], // IPv4-compatible (deprecated), unless embedded below
];

/**
 * IPv6 forms that carry an IPv4 address in their low 32 bits and reach that IPv4 host: IPv4-mapped
 * (`::ffff:a.b.c.d`, what a dual-stack socket connects to), IPv4-compatible (`::a.b.c.d`) and the NAT64
 * well-known prefix (`64:ff9b::a.b.c.d`). They are judged as the IPv4 address they embed.
 */
const V4_EMBEDDING: readonly Cidr[] = [cidr('::ffff:0:0/96'), cidr('64:ff9b::/96')];
const V4_COMPATIBLE = cidr('::/96');

/** The IPv4 address an IPv6 address stands for, if it is one of the embedding forms. */
export function embeddedIpv4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6) return null;
  const low = ip.value & 0xffffffffn;
  if (V4_EMBEDDING.some((range) => cidrContains(range, ip))) return { family: 4, value: low };
  // `::` and `::1` are themselves, not 0.0.0.0 and 0.0.0.1.
  if (cidrContains(V4_COMPATIBLE, ip) && ip.value > 1n) return { family: 4, value: low };
  return null;
}

/** The class of an address (text or parsed). Text that is no address is `reserved`, so it is refused. */
export function classifyAddress(address: string | IpAddress): AddressClass {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return 'reserved';
  const v4 = embeddedIpv4(ip);
  if (v4) return classifyAddress(v4);
  const ranges = ip.family === 4 ? V4_RANGES : V6_RANGES;
  return ranges.find(([range]) => cidrContains(range, ip))?.[1] ?? 'public';
}

export type AddressVerdict = { allowed: true; class: AddressClass } | { allowed: false; class: AddressClass };

/** Thrown when the allow-list in config is malformed, naming the bad entry. */
export class AllowListError extends Error {
  constructor(readonly entry: string) {
    super(`"${entry}" is not an IP address or CIDR range`);
    this.name = 'AllowListError';
  }
}

/**
 * Decides whether an address may be connected to. Rules:
 * - a public address is always allowed;
 * - any other address is allowed only when it lies in an allow-list range;
 * - an IPv6 address that embeds an IPv4 address (mapped, compatible, NAT64) is judged as that IPv4 address,
 *   both for its class and for the allow-list (so `127.0.0.0/8` also allows `::ffff:127.0.0.1`).
 */
export class AddressPolicy {
  private constructor(private readonly allowed: readonly Cidr[]) {}

  /** Entries are addresses or CIDR ranges, e.g. `["127.0.0.0/8", "::1"]`. Throws AllowListError on a bad one. */
  static fromAllowList(entries: readonly string[]): AddressPolicy {
    return new AddressPolicy(
      entries.map((entry) => {
        const parsed = parseCidr(entry.trim());
        if (!parsed) throw new AllowListError(entry);
        return parsed;
      }),
    );
  }

  /** A comma-separated list, as `VIGIL_NOTIFIER_ALLOWED_CIDRS` holds it; empty means nothing is allowed. */
  static fromConfigValue(value: string): AddressPolicy {
    return AddressPolicy.fromAllowList(
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    );
  }

  /** Allows nothing beyond the public internet. */
  static publicOnly(): AddressPolicy {
    return new AddressPolicy([]);
  }

  check(address: string): AddressVerdict {
    const ip = parseIp(address);
    if (!ip) return { allowed: false, class: 'reserved' };
    const klass = classifyAddress(ip);
    if (klass === 'public') return { allowed: true, class: klass };
    const candidates = [ip, embeddedIpv4(ip)].filter((c): c is IpAddress => c !== null);
    const listed = this.allowed.some((range) => candidates.some((candidate) => cidrContains(range, candidate)));
    return { allowed: listed, class: klass };
  }
}
