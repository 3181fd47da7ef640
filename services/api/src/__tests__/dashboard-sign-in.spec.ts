import { domainErrorOf } from '@vigil/errors/testing';
import { checkNewPassword, generatePassword, hashPassword, verifyPassword } from '../web/auth/password';
import { csrfTokenFor, sameToken } from '../web/auth/csrf';
import { parseResolution, statsRange } from '../monitor-stats/stats-range';

describe('passwords (scrypt)', () => {
  it('verifies the password it hashed and nothing else; a hash is salted', async () => {
    const password = generatePassword();
    const [first, second] = await Promise.all([hashPassword(password), hashPassword(password)]);
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword(password, first)).toBe(true);
    expect(await verifyPassword(`${password}x`, first)).toBe(false);
    expect(await verifyPassword(password, 'sha256$abc')).toBe(false);
    expect(await verifyPassword(password, 'scrypt$40$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5')).toBe(false);
  });

  it('asks a chosen password for a length, naming the field', () => {
    expect(domainErrorOf(() => checkNewPassword('short'))).toMatchObject({ code: 'password_too_short', field: 'password' });
    expect(() => checkNewPassword('twelve chars')).not.toThrow();
  });
});

describe('CSRF tokens', () => {
  it('are bound to the session and compared in constant time', () => {
    expect(csrfTokenFor('vgs_a')).toBe(csrfTokenFor('vgs_a'));
    expect(csrfTokenFor('vgs_a')).not.toBe(csrfTokenFor('vgs_b'));
    expect(sameToken(csrfTokenFor('vgs_a'), csrfTokenFor('vgs_a'))).toBe(true);
    expect(sameToken(undefined, csrfTokenFor('vgs_a'))).toBe(false);
    expect(sameToken('short', csrfTokenFor('vgs_a'))).toBe(false);
  });
});

describe('monitors-stats ranges', () => {
  const now = Date.parse('2026-01-01T12:00:30Z');

  it('defaults to the last day at the finest resolution with at most 2016 buckets, aligned to the epoch', () => {
    const range = statsRange({}, now);
    expect(range.bucketMs).toBe(60_000);
    expect(range.buckets).toBeLessThanOrEqual(2016);
    expect(range.start % range.bucketMs).toBe(0);
    expect(range.end).toBeGreaterThanOrEqual(now);
  });

  it('takes a resolution in seconds or with a unit, from the ladder only', () => {
    expect(parseResolution('300')).toBe(300);
    expect(parseResolution('5m')).toBe(300);
    expect(parseResolution('1d')).toBe(86400);
    expect(domainErrorOf(() => parseResolution('7m'))).toMatchObject({ code: 'invalid_resolution', field: 'resolution' });
  });

  it('refuses a range backwards, too long, or with too many buckets, naming the field', () => {
    expect(domainErrorOf(() => statsRange({ since: 100, until: 100 }, now))).toMatchObject({ field: 'until' });
    expect(domainErrorOf(() => statsRange({ since: 0, until: 91 * 86400 }, now))).toMatchObject({ code: 'range_too_large', field: 'since' });
    expect(domainErrorOf(() => statsRange({ since: 0, until: 30 * 86400, resolution: '60' }, now))).toMatchObject({
      code: 'too_many_buckets',
      field: 'resolution',
    });
  });
});
