import { DomainError } from '@vigil/errors';

/**
 * Sentry's slug rule: lower-case letters, digits, `-` and `_`, at most 50, not only digits (a number is an id).
 * Written without look-ahead so the JSON Schema of the OpenAPI document (`SLUG_SCHEMA`) can carry it as is.
 */
export const SLUG_PATTERN = '^[a-z0-9_-]*[a-z_-][a-z0-9_-]*$';
export const SLUG_MAX = 50;
const SLUG = new RegExp(SLUG_PATTERN);

export function isSlug(value: unknown): value is string {
  return typeof value === 'string' && value.length <= SLUG_MAX && SLUG.test(value);
}

/** A slug from a body field, or a 400 naming the field and the rule. */
export function parseSlug(value: unknown, field: string): string {
  if (!isSlug(value)) {
    throw new DomainError('invalid', 'invalid_slug', `${field} must be 1 to ${SLUG_MAX} lower-case letters, digits, - or _, and not only digits`, field);
  }
  return value;
}

/**
 * A slug made from a name as Sentry (Django's slugify) makes one when none is sent: accents dropped, other
 * characters that are not letters, digits, `_`, `-` or spaces removed, runs of spaces and dashes made one dash.
 * Null when nothing usable is left.
 */
export function slugify(name: string): string | null {
  const slug = name
    .normalize('NFKD')
    // eslint-disable-next-line no-control-regex -- the range is all of ASCII: this drops what lies outside it
    .replace(/[^\x00-\x7f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_\s-]/g, '')
    .replace(/[-\s]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/[-_]+$/, '');
  return isSlug(slug) ? slug : null;
}

/** A required display name: trimmed text of 1 to `max` characters. */
export function parseName(value: unknown, field: string, max = 100): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > max) {
    throw new DomainError('invalid', 'invalid_name', `${field} must be text of 1 to ${max} characters`, field);
  }
  return value.trim();
}
