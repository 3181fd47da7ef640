import { nameBasedUuid } from '../index';

describe('nameBasedUuid', () => {
  it('is RFC 9562 version 5 (the DNS namespace example)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(nameBasedUuid(dns, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('depends on the namespace and the name only', () => {
    const a = Buffer.alloc(16, 1);
    const b = Buffer.alloc(16, 2);
    expect(nameBasedUuid(a, 'x')).toBe(nameBasedUuid(a, 'x'));
    expect(nameBasedUuid(a, 'x')).not.toBe(nameBasedUuid(b, 'x'));
    expect(nameBasedUuid(a, 'x')).not.toBe(nameBasedUuid(a, 'y'));
  });

  it('refuses a namespace that is not 16 bytes', () => {
    expect(() => nameBasedUuid(Buffer.alloc(8), 'x')).toThrow('16 bytes');
  });
});
