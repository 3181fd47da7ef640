import { DomainError } from '@vigil/errors';

/** Sentry's slug rule: lower-case letters, digits, `-` and `_`, at most 50, not only digits (a number is an id). */
const SLUG = /^[a-z0-9_-]{1,50}$/;
export const SLUG_MAX = 50;

export function isSlug(value: unknown): value is string {
  return typeof value === 'string' && SLUG.test(value) && !/^\d+$/.test(value);
}

/** A slug from a body field, or a 400 naming the field and the rule. */
export function parseSlug(value: unknown, field: string): string {
  if (!isSlug(value)) {
    throw new DomainError('invalid', 'invalid_slug', `${field} must be 1 to ${SLUG_MAX} lower-case letters, digits, - or _, and not only digits`, field);
  }
  return value;
}

/** A slug made from a name, as Sentry makes one when none is sent; null when nothing usable is left. */
export function slugify(name: string): string | null {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return isSlug(slug) ? slug : null;
}

/** A required display name: trimmed text of 1 to `max` characters. */
export function parseName(value: unknown, field: string, max = 100): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > max) {
    throw new DomainError('invalid', 'invalid_name', `${field} must be text of 1 to ${max} characters`, field);
  }
  return value.trim();
}
