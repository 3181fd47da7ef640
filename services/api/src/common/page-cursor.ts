import { DomainError } from '@vigil/errors';
import type { JsonSchema } from './openapi/json-schema';

/**
 * Keyset pages of a list ordered newest first by (time, id): a cursor names the last item of the page before,
 * `<epoch ms>:<uuid>`, and the next page holds what sorts strictly after it. Pages stay right when items are
 * added meanwhile (an offset would skip or repeat them).
 */
export interface PageCursor {
  at: Date;
  id: string;
}

const CURSOR = /^([0-9]{1,15}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const CURSOR_QUERY = {
  cursor: {
    description: 'Where the page starts: the `cursor` of the previous answer\'s `Link: <...>; rel="next"` header.',
    schema: { type: 'string', pattern: CURSOR.source, maxLength: 60 } as JsonSchema,
  },
};

export function parseCursor(raw: unknown): PageCursor | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const match = typeof raw === 'string' ? CURSOR.exec(raw) : null;
  if (!match) throw new DomainError('invalid', 'invalid_cursor', 'cursor must be a cursor from a Link header of this list', 'cursor');
  return { at: new Date(Number(match[1])), id: match[2]! };
}

export function formatCursor(cursor: PageCursor): string {
  return `${cursor.at.getTime()}:${cursor.id}`;
}

/**
 * The `Link` header of a page, as Sentry's API writes it (`sentry-cli` and Sentry's clients follow it):
 * `<url>; rel="next"; results="true"; cursor="..."`. `results="false"` says there is nothing more.
 */
export function nextPageLink(requestUrl: URL, next: PageCursor | null, last: PageCursor | null): string {
  const cursor = next ?? last;
  const url = new URL(requestUrl.toString());
  if (cursor) url.searchParams.set('cursor', formatCursor(cursor));
  return `<${url.toString()}>; rel="next"; results="${next ? 'true' : 'false'}"; cursor="${cursor ? formatCursor(cursor) : ''}"`;
}

export const LINK_HEADER = {
  Link: {
    description: 'The next page: `<url>; rel="next"; results="true"; cursor="..."` (`results="false"` on the last page).',
    schema: { type: 'string' } as JsonSchema,
  },
};
