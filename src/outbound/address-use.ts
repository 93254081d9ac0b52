import { BlockList, isIP } from 'node:net';

/**
 * What an IP address is for, as far as calling it on a tenant's behalf goes. Only `public`
 * addresses are reached from the internet; every other use is somewhere a tenant administrator
 * must not be able to point this server at (SSRF): its own host, the private network it runs in,
 * the cloud's metadata service.
 */
export type AddressUse =
  | 'public'
  | 'cloudMetadata'
  | 'loopback'
  | 'private'
  | 'sharedAddressSpace'
  | 'linkLocal'
  | 'uniqueLocal'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'notAnAddress';

/**
 * The special-use ranges (IANA IPv4 and IPv6 Special-Purpose Address Registries), first match
 * wins: the metadata addresses come before the ranges that hold them, so the log names them.
 */
const SPECIAL_USE: ReadonlyArray<{ use: Exclude<AddressUse, 'public' | 'notAnAddress'>; ranges: readonly string[] }> = [
  // AWS, GCP, Azure, OpenStack and others (169.254.169.254), AWS over IPv6, Azure's wire server,
  // Alibaba Cloud, Oracle Cloud.
  { use: 'cloudMetadata', ranges: ['169.254.169.254/32', 'fd00:ec2::254/128', '168.63.129.16/32', '100.100.100.200/32', '192.0.0.192/32'] },
  { use: 'loopback', ranges: ['127.0.0.0/8', '::1/128'] },
  { use: 'unspecified', ranges: ['0.0.0.0/8', '::/128'] },
  { use: 'private', ranges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
  // Carrier-grade NAT (RFC 6598): private to a provider's network.
  { use: 'sharedAddressSpace', ranges: ['100.64.0.0/10'] },
  // fec0::/10 is the deprecated site-local range, private in practice.
  { use: 'linkLocal', ranges: ['169.254.0.0/16', 'fe80::/10', 'fec0::/10'] },
  { use: 'uniqueLocal', ranges: ['fc00::/7'] },
  { use: 'multicast', ranges: ['224.0.0.0/4', 'ff00::/8'] },
  { use: 'broadcast', ranges: ['255.255.255.255/32'] },
  { use: 'documentation', ranges: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'] },
  { use: 'benchmarking', ranges: ['198.18.0.0/15', '2001:2::/48'] },
  // IETF protocol assignments, 6to4 relay anycast, AS112, the future-use 240/4, the discard-only
  // and dummy IPv6 prefixes, ORCHIDv2, Teredo and 6to4 (which tunnel to an IPv4 address we cannot see).
  {
    use: 'reserved',
    ranges: [
      '192.0.0.0/24', '192.88.99.0/24', '192.31.196.0/24', '192.52.193.0/24', '192.175.48.0/24', '240.0.0.0/4',
      '100::/64', '100:0:0:1::/64', '2001:20::/28', '2001::/32', '2002::/16', '5f00::/16',
    ],
  },
];

const LISTS = SPECIAL_USE.map(({ use, ranges }) => {
  const list = new BlockList();
  for (const range of ranges) {
    const [network, prefix] = range.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), isIP(network) === 4 ? 'ipv4' : 'ipv6');
  }
  return { use, list };
});

/** Classifies an IPv4 or IPv6 address; IPv6 forms that carry an IPv4 address are judged by it. */
export function classifyAddress(address: string): AddressUse {
  // A zone (fe80::1%eth0) says which interface, not where: drop it.
  const bare = address.split('%')[0] as string;
  const family = isIP(bare);
  if (family === 0) return 'notAnAddress';
  if (family === 6) {
    const embedded = embeddedIpv4(bare);
    if (embedded !== undefined) return classifyAddress(embedded);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return LISTS.find(({ list }) => list.check(bare, type))?.use ?? 'public';
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d),
 * IPv4-translated (::ffff:0:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address, in dotted or
 * hexadecimal spelling. Connecting to any of these can reach the IPv4 address.
 */
export function embeddedIpv4(ipv6: string): string | undefined {
  const groups = ipv6Groups(ipv6);
  if (!groups) return undefined;
  const head = groups.slice(0, 6);
  const isZero = (values: number[]) => values.every((value) => value === 0);
  const mapped = isZero(head.slice(0, 5)) && head[5] === 0xffff;
  const translated = isZero(head.slice(0, 4)) && head[4] === 0xffff && head[5] === 0;
  const nat64 = head[0] === 0x64 && head[1] === 0xff9b && isZero(head.slice(2));
  // ::/96 is IPv4-compatible, except :: and ::1 themselves.
  const compatible = isZero(head) && (groups[6] !== 0 || (groups[7] ?? 0) > 1);
  if (!mapped && !translated && !nat64 && !compatible) return undefined;
  const high = groups[6] as number;
  const low = groups[7] as number;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (with or without a dotted IPv4 tail). */
function ipv6Groups(ipv6: string): number[] | undefined {
  let text = ipv6.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = parse(halves[0]);
  const right = parse(halves[1]);
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...left, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...right];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}
