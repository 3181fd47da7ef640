import { invalidCursor, type Cursor, type Page } from './cursor';

/**
 * Pages by position, as Sentry's OffsetPaginator does for its monitor list: a cursor `<per_page>:<page>:<is_prev>`
 * names the page; rows are read from `offset`, one more than a page, to know whether another page follows.
 */
export interface OffsetWindow {
  page: number;
  offset: number;
  /** How many rows to read: a page and one more. */
  fetch: number;
}

export function offsetWindow(cursor: Cursor | null, perPage: number): OffsetWindow {
  if (cursor === null) return { page: 0, offset: 0, fetch: perPage + 1 };
  if (!/^[0-9]{1,3}$/.test(cursor.value)) throw invalidCursor('is not a cursor of this list');
  const size = Number(cursor.value) || perPage;
  return { page: cursor.offset, offset: cursor.offset * size, fetch: perPage + 1 };
}

/** The page among the rows read for `window` (at most `perPage + 1` of them). */
export function offsetPage<T>(rows: readonly T[], window: OffsetWindow, perPage: number): Page<T> {
  const value = String(perPage);
  return {
    items: rows.slice(0, perPage),
    previous: { cursor: { value, offset: Math.max(window.page - 1, 0), isPrev: true }, results: window.page > 0 },
    next: { cursor: { value, offset: window.page + 1, isPrev: false }, results: rows.length > perPage },
  };
}

/** A page of a list read whole (`paged` endpoints): the same cursors and pages as a list paged in its query. */
export function pageOfList<T>(all: readonly T[], cursor: Cursor | null, perPage: number): Page<T> {
  const window = offsetWindow(cursor, perPage);
  return offsetPage(all.slice(window.offset, window.offset + window.fetch), window, perPage);
}
