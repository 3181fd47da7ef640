import { AddressPolicy, AllowListError, classifyAddress, parseCidr, parseIp, type AddressClass } from '../index';

describe('address policy: classification', () => {
  it.each<[string, AddressClass]>([
    // IPv4
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.0', 'public'],
    ['169.254.169.254', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['203.0.113.5', 'reserved'],
    // IPv6
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::1', 'reserved'],
    ['[::1]', 'loopback'],
    // IPv4 inside IPv6: judged as the IPv4 address
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['::ffff:8.8.8.8', 'public'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::8.8.8.8', 'public'],
    // Not an address at all: refused
    ['localhost', 'reserved'],
    ['0x7f.1', 'reserved'],
    ['2130706433', 'reserved'],
    ['', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('parses IPv6 with compression and embedded IPv4 to the same value as the long form', () => {
    expect(parseIp('::ffff:192.168.1.1')).toEqual(parseIp('0:0:0:0:0:ffff:c0a8:101'));
    expect(parseIp('2001:db8::')?.value).toBe(0x20010db8n << 96n);
    expect(parseIp('1.2.3.4')).toEqual({ family: 4, value: 0x01020304n });
    expect(parseIp('999.1.1.1')).toBeNull();
  });

  it('parses CIDR ranges and bare addresses, clearing host bits, and rejects bad prefixes', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr('::1')).toEqual({ family: 6, network: 1n, prefix: 128 });
    expect(parseCidr('127.0.0.1')).toEqual({ family: 4, network: 0x7f000001n, prefix: 32 });
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('fe80::/129')).toBeNull();
    expect(parseCidr('10.0.0.0/')).toBeNull();
    expect(parseCidr('10.0.0.0/-1')).toBeNull();
    expect(parseCidr('example.com/24')).toBeNull();
  });
});

describe('address policy: allow-list', () => {
  it('allows public addresses and refuses every other class by default', () => {
    const policy = AddressPolicy.publicOnly();
    expect(policy.check('8.8.8.8')).toEqual({ allowed: true, class: 'public' });
    expect(policy.check('127.0.0.1')).toEqual({ allowed: false, class: 'loopback' });
    expect(policy.check('::ffff:127.0.0.1')).toEqual({ allowed: false, class: 'loopback' });
    expect(policy.check('169.254.169.254')).toEqual({ allowed: false, class: 'link_local' });
    expect(policy.check('not-an-ip')).toEqual({ allowed: false, class: 'reserved' });
  });

  it('an allow-listed range opens exactly that range, including its IPv4-mapped IPv6 forms', () => {
    const policy = AddressPolicy.fromConfigValue('127.0.0.0/8');
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('127.1.2.3').allowed).toBe(true);
    expect(policy.check('::ffff:127.0.0.1').allowed).toBe(true);
    expect(policy.check('::1').allowed).toBe(false);
    expect(policy.check('10.0.0.1').allowed).toBe(false);
    expect(policy.check('169.254.169.254').allowed).toBe(false);
  });

  it('reads a comma-separated list with spaces and empty entries, IPv6 ranges and bare addresses', () => {
    const policy = AddressPolicy.fromConfigValue(' 10.20.0.0/16 , ::1,, fd00::/8 ');
    expect(policy.check('10.20.3.4').allowed).toBe(true);
    expect(policy.check('10.21.0.1').allowed).toBe(false);
    expect(policy.check('::1').allowed).toBe(true);
    expect(policy.check('fd00::5').allowed).toBe(true);
    expect(policy.check('fc00::5').allowed).toBe(false);
    expect(AddressPolicy.fromConfigValue('').check('127.0.0.1').allowed).toBe(false);
  });

  it('names a malformed allow-list entry', () => {
    expect(() => AddressPolicy.fromConfigValue('127.0.0.0/8,10.0.0.0/40')).toThrow(AllowListError);
    expect(() => AddressPolicy.fromConfigValue('127.0.0.0/8,10.0.0.0/40')).toThrow('"10.0.0.0/40" is not an IP address or CIDR range');
  });
});
