import { DomainError } from '@vigil/errors';

/**
 * A page cursor in Sentry's shape, `<value>:<offset>:<is_prev>`: where the page starts (`value`, `offset`) and
 * whether it is the page before that position (`is_prev` 1) or after it (0). Clients treat it as opaque: they
 * pass back what a `Link` header gave them (sentry-cli follows `rel="next"` while `results="true"`). An empty
 * cursor (`?cursor=`, which sentry-cli sends first) is the first page.
 */
export interface Cursor {
  value: string;
  offset: number;
  isPrev: boolean;
}

export const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,300}:[0-9]{1,9}:[01]$';
const CURSOR = new RegExp(CURSOR_PATTERN);

export function invalidCursor(reason: string): DomainError {
  return new DomainError('invalid', 'invalid_cursor', `cursor ${reason}: pass back a cursor from a Link header as it is, or none for the first page`, 'cursor');
}

/** The cursor of a request, null for the first page; a 400 naming `cursor` when it is not one. */
export function parseCursor(raw: unknown): Cursor | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || !CURSOR.test(raw)) throw invalidCursor('must look like <value>:<offset>:<0|1>');
  const [value, offset, isPrev] = raw.split(':') as [string, string, string];
  return { value, offset: Number(offset), isPrev: isPrev === '1' };
}

export function formatCursor(cursor: Cursor): string {
  return `${cursor.value}:${cursor.offset}:${cursor.isPrev ? 1 : 0}`;
}

/** One `Link` header entry: the cursor of the neighbouring page and whether it has anything. */
export interface PageLink {
  cursor: Cursor;
  results: boolean;
}

/** A page of items with the cursors of the pages before and after it. */
export interface Page<T> {
  items: T[];
  previous: PageLink;
  next: PageLink;
}
