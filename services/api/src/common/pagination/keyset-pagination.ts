import { invalidCursor, type Cursor, type Page } from './cursor';

/**
 * Pages by key over a list in descending key order (newest first), so rows arriving while a client pages
 * neither repeat nor hide one. The cursor keeps Sentry's shape `<value>:<offset>:<is_prev>`: `value` is the
 * boundary row's key (base64url of its JSON, or `0` for the start), `offset` how many rows equal to the key to
 * skip (keys are unique, so 1 leaves the boundary row out, 0 keeps it) and `is_prev` the direction.
 */
export interface KeysetWindow<K> {
  /** The boundary; null: from the start (the newest row). */
  key: K | null;
  /** Whether the boundary row itself belongs to the page. */
  inclusive: boolean;
  /** `older`: rows after the boundary, read newest first; `newer`: rows before it, read oldest first. */
  direction: 'older' | 'newer';
  /** How many rows to read: a page and one more, to know whether another page follows. */
  fetch: number;
  /** Nothing can be on this page (the page before the start): no need to read. */
  empty: boolean;
}

/** How a key is written into a cursor and read back (a decoded value that is not a key is a 400). */
export interface KeyCodec<K> {
  toJson(key: K): unknown;
  fromJson(value: unknown): K | null;
}

const START = '0';

export function encodeKey<K>(codec: KeyCodec<K>, key: K | null): string {
  return key === null ? START : Buffer.from(JSON.stringify(codec.toJson(key)), 'utf8').toString('base64url');
}

export function decodeKey<K>(codec: KeyCodec<K>, value: string): K | null {
  if (value === START) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('is not a cursor of this list');
  }
  const key = codec.fromJson(json);
  if (key === null) throw invalidCursor('is not a cursor of this list');
  return key;
}

export function keysetWindow<K>(codec: KeyCodec<K>, cursor: Cursor | null, perPage: number): KeysetWindow<K> {
  if (cursor === null) return { key: null, inclusive: false, direction: 'older', fetch: perPage + 1, empty: false };
  if (cursor.offset > 1) throw invalidCursor('is not a cursor of this list');
  const key = decodeKey(codec, cursor.value);
  return {
    key,
    inclusive: key !== null && cursor.offset === 0,
    direction: cursor.isPrev ? 'newer' : 'older',
    fetch: perPage + 1,
    empty: key === null && cursor.isPrev,
  };
}

/**
 * The page among the rows read for `window`, in the order they were read (at most `perPage + 1`), newest first,
 * with the cursors of its neighbours.
 */
export function keysetPage<T, K>(codec: KeyCodec<K>, rows: readonly T[], window: KeysetWindow<K>, perPage: number, keyOf: (row: T) => K): Page<T> {
  const more = rows.length > perPage;
  const read = rows.slice(0, perPage);
  const items = window.direction === 'older' ? read : read.reverse();
  const started = window.key !== null;
  const at = (key: K | null, skipKey: boolean, isPrev: boolean) => ({ value: encodeKey(codec, key), offset: skipKey ? 1 : 0, isPrev });
  const first = items[0];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined) {
    // Nothing on this side of the boundary: the way back starts at the boundary, the row itself included
    // when this page left it out.
    const back = { cursor: at(window.key, window.inclusive, window.direction === 'older'), results: started };
    const onward = { cursor: at(window.key, !window.inclusive, window.direction !== 'older'), results: false };
    return window.direction === 'older' ? { items, previous: back, next: onward } : { items, previous: onward, next: back };
  }
  return {
    items,
    previous: { cursor: at(keyOf(first), true, true), results: window.direction === 'older' ? started : more },
    next: { cursor: at(keyOf(last), true, false), results: window.direction === 'older' ? more : true },
  };
}
