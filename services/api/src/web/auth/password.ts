import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DomainError } from '@vigil/errors';

/**
 * Members' passwords, hashed with scrypt (node:crypto, memory-hard): N = 2^15, r = 8, p = 1, a 16-byte salt
 * and a 32-byte key, about 32 MiB and 50-100 ms a hash. Stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<key>`
 * (base64url), so the cost can rise later and old hashes still verify.
 */
const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAX_MEMORY = 128 * 1024 * 1024;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

function scrypt(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, { N: 2 ** LOG_N, r: R, p: P, maxmem: MAX_MEMORY });
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches `stored`; false for a hash that is not one of ours (never throws on bad input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const n = Number(logN);
  if (!Number.isInteger(n) || n < 10 || n > 20 || expected.length < 16) return false;
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: 2 ** n, r: Number(r), p: Number(p), maxmem: MAX_MEMORY });
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when no member has the address, so an unknown address takes as long as a wrong password. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummy;
}

/** A password for a member who has none (the first owner, a reset): 128 random bits, 22 characters. */
export function generatePassword(): string {
  return randomBytes(16).toString('base64url');
}

/** The rule a password chosen by a person must meet: a length, nothing else (NIST SP 800-63B). */
export function checkNewPassword(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    throw new DomainError('invalid', 'password_too_short', `${field} must have at least ${PASSWORD_MIN_LENGTH} characters`, field);
  if (password.length > PASSWORD_MAX_LENGTH)
    throw new DomainError('invalid', 'password_too_long', `${field} must have at most ${PASSWORD_MAX_LENGTH} characters`, field);
}
