import { classifyAddress, embeddedIpv4 } from '../../src/outbound/address-use.ts';

/** Which addresses the server may call on a tenant's behalf: only those reached from the internet. */

describe('address classification', () => {
  test.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.215.14', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['169.253.255.255', 'public'],
    ['223.255.255.255', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'sharedAddressSpace'],
    ['100.127.255.255', 'sharedAddressSpace'],
    ['169.254.0.1', 'linkLocal'],
    ['169.254.169.254', 'cloudMetadata'],
    ['168.63.129.16', 'cloudMetadata'],
    ['100.100.100.200', 'cloudMetadata'],
    ['192.0.0.192', 'cloudMetadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.99', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.0.0.8', 'reserved'],
    ['240.0.0.1', 'reserved'],
  ])('IPv4 %s is %s', (address, use) => {
    expect(classifyAddress(address)).toBe(use);
  });

  test.each([
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['FEBF::1', 'linkLocal'],
    ['fec0::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'cloudMetadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['100::1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
  ])('IPv6 %s is %s', (address, use) => {
    expect(classifyAddress(address)).toBe(use);
  });

  test.each([
    // IPv4-mapped, dotted and hexadecimal
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'cloudMetadata'],
    ['::ffff:169.254.169.254', 'cloudMetadata'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    // IPv4-compatible (deprecated, still routable on some stacks)
    ['::127.0.0.1', 'loopback'],
    ['::a9fe:a9fe', 'cloudMetadata'],
    ['::c0a8:101', 'private'],
    ['::8.8.8.8', 'public'],
    // IPv4-translated and NAT64
    ['::ffff:0:7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'cloudMetadata'],
    ['64:ff9b::8.8.8.8', 'public'],
  ])('IPv6 form %s of an IPv4 address is %s', (address, use) => {
    expect(classifyAddress(address)).toBe(use);
  });

  test.each(['localhost', 'example.com', '', '1.2.3', '::ffff:1.2.3.4.5', '[::1]'])('%j is not an address', (value) => {
    expect(classifyAddress(value)).toBe('notAnAddress');
  });

  test('embedded IPv4 addresses are read from every IPv6 spelling, and only from those', () => {
    expect(embeddedIpv4('::ffff:192.168.0.1')).toBe('192.168.0.1');
    expect(embeddedIpv4('::FFFF:C0A8:0001')).toBe('192.168.0.1');
    expect(embeddedIpv4('::c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('64:ff9b::c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('::1')).toBeUndefined();
    expect(embeddedIpv4('::')).toBeUndefined();
    expect(embeddedIpv4('2001:db8::c0a8:1')).toBeUndefined();
    expect(embeddedIpv4('fe80::ffff:c0a8:1')).toBeUndefined();
  });
});
