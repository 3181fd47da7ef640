import { domainErrorOf } from '@vigil/errors/testing';
import { RUN_KEY_CODEC, type RunKey } from '../../../checkins/run-key';
import { formatCursor, parseCursor, type Cursor, type Page } from '../cursor';
import { decodeKey, encodeKey, keysetPage, keysetWindow, type KeysetWindow } from '../keyset-pagination';
import { linkHeader } from '../link-header';
import { offsetPage, offsetWindow, pageOfList } from '../offset-pagination';

describe('cursors', () => {
  it("reads Sentry's <value>:<offset>:<is_prev>, and an empty cursor as the first page", () => {
    expect(parseCursor('100:2:0')).toEqual({ value: '100', offset: 2, isPrev: false });
    expect(parseCursor('WzEsImEiXQ:1:1')).toEqual({ value: 'WzEsImEiXQ', offset: 1, isPrev: true });
    expect(parseCursor('')).toBeNull();
    expect(parseCursor(undefined)).toBeNull();
    expect(formatCursor({ value: '100', offset: 2, isPrev: true })).toBe('100:2:1');
  });

  it.each(['abc', '1:2', '1:2:3', '1:-1:0', 'a b:0:0', '1:2:0:0', 'x'.repeat(301) + ':0:0'])('refuses %j naming cursor', (raw) => {
    expect(domainErrorOf(() => parseCursor(raw))).toMatchObject({ kind: 'invalid', code: 'invalid_cursor', field: 'cursor' });
  });
});

describe('Link header', () => {
  it('is written as Sentry writes it, keeping the other query parameters', () => {
    const url = new URL('http://vigil.test:8081/api/0/organizations/acme/monitors/?query=db&cursor=100:1:0&project=a&project=b');
    const header = linkHeader(
      url,
      { cursor: { value: '100', offset: 0, isPrev: true }, results: true },
      { cursor: { value: '100', offset: 2, isPrev: false }, results: false },
    );
    expect(header).toBe(
      '<http://vigil.test:8081/api/0/organizations/acme/monitors/?query=db&project=a&project=b&cursor=100:0:1>; rel="previous"; results="true"; cursor="100:0:1", ' +
        '<http://vigil.test:8081/api/0/organizations/acme/monitors/?query=db&project=a&project=b&cursor=100:2:0>; rel="next"; results="false"; cursor="100:2:0"',
    );
  });

  it('without other parameters the cursor is the only one', () => {
    const header = linkHeader(
      new URL('http://h/x/?cursor='),
      { cursor: { value: '5', offset: 0, isPrev: true }, results: false },
      { cursor: { value: '5', offset: 1, isPrev: false }, results: true },
    );
    expect(header).toMatch(/^<http:\/\/h\/x\/\?cursor=5:0:1>; rel="previous"; results="false"; cursor="5:0:1", <http:\/\/h\/x\/\?cursor=5:1:0>; rel="next"/);
  });
});

describe("offset pages (the monitor list, as Sentry's OffsetPaginator)", () => {
  const rows = Array.from({ length: 7 }, (_, index) => index);
  const read = (cursor: Cursor | null, perPage: number) => {
    const window = offsetWindow(cursor, perPage);
    return offsetPage(rows.slice(window.offset, window.offset + window.fetch), window, perPage);
  };

  it('pages forward with <per_page>:<page>:0 and back with <per_page>:<page - 1>:1', () => {
    const first = read(null, 3);
    expect(first).toEqual({
      items: [0, 1, 2],
      previous: { cursor: { value: '3', offset: 0, isPrev: true }, results: false },
      next: { cursor: { value: '3', offset: 1, isPrev: false }, results: true },
    });
    const second = read(first.next.cursor, 3);
    expect(second.items).toEqual([3, 4, 5]);
    expect(second.previous).toEqual({ cursor: { value: '3', offset: 0, isPrev: true }, results: true });
    const third = read(second.next.cursor, 3);
    expect(third).toMatchObject({ items: [6], next: { results: false } });
    expect(read(third.previous.cursor, 3).items).toEqual([3, 4, 5]);
  });

  it('exactly a page of rows has no next page', () => {
    expect(read(null, 7)).toMatchObject({ items: rows, next: { results: false } });
  });

  it('refuses a cursor of another list', () => {
    expect(domainErrorOf(() => offsetWindow({ value: 'WzFd', offset: 0, isPrev: false }, 10))).toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('keyset pages (check-ins, newest first)', () => {
  const compare = (a: RunKey, b: RunKey): number =>
    a.createdMs - b.createdMs ||
    (a.checkinId < b.checkinId ? -1 : a.checkinId > b.checkinId ? 1 : 0) ||
    (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0);

  /** What the ClickHouse query does, over a list in memory. */
  function query(all: readonly RunKey[], window: KeysetWindow<RunKey>): RunKey[] {
    if (window.empty) return [];
    const key = window.key;
    const selected = all.filter((row) => {
      if (key === null) return true;
      const order = compare(row, key);
      return window.direction === 'older' ? order < 0 || (window.inclusive && order === 0) : order > 0 || (window.inclusive && order === 0);
    });
    selected.sort((a, b) => (window.direction === 'older' ? compare(b, a) : compare(a, b)));
    return selected.slice(0, window.fetch);
  }

  function page(all: readonly RunKey[], cursor: Cursor | null, perPage: number): Page<RunKey> {
    const window = keysetWindow(RUN_KEY_CODEC, cursor, perPage);
    return keysetPage(RUN_KEY_CODEC, query(all, window), window, perPage, (row) => row);
  }

  /** A history with many runs starting in the same millisecond, in several environments. */
  function history(size: number, seed: number): RunKey[] {
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    return Array.from({ length: size }, () => ({
      createdMs: 1_700_000_000_000 + Math.floor(random() * 5),
      checkinId: `0000000${Math.floor(random() * 3)}-0000-0000-0000-000000000000`,
      environment: ['production', 'staging'][Math.floor(random() * 2)]!,
    })).filter((row, index, rows) => rows.findIndex((other) => compare(other, row) === 0) === index);
  }

  it.each([
    [1, 1],
    [2, 7],
    [3, 11],
    [5, 23],
  ])('per_page %i: forward to the end and back to the start, every run once, in order (seed %i)', (perPage, seed) => {
    const all = history(40, seed).sort((a, b) => compare(b, a));
    const forward: RunKey[] = [];
    let current = page(all, null, perPage);
    expect(current.previous.results).toBe(false);
    const pages = [current];
    forward.push(...current.items);
    while (current.next.results) {
      current = page(all, current.next.cursor, perPage);
      pages.push(current);
      forward.push(...current.items);
    }
    expect(forward).toEqual(all);

    const backward: RunKey[][] = [current.items];
    while (current.previous.results) {
      current = page(all, current.previous.cursor, perPage);
      backward.unshift(current.items);
    }
    expect(backward.flat()).toEqual(all);
    expect(backward.map((items) => items.length)).toEqual(pages.map((p) => p.items.length));
  });

  it('runs arriving while a client pages forward neither repeat nor shift a page', () => {
    const all = history(30, 3).sort((a, b) => compare(b, a));
    const first = page(all, null, 4);
    const newer = [{ createdMs: 1_800_000_000_000, checkinId: 'ffffffff-0000-0000-0000-000000000000', environment: 'production' }, ...all];
    const second = page(newer, first.next.cursor, 4);
    expect([...first.items, ...second.items]).toEqual(all.slice(0, 8));
    // Going back from the second page now shows the newest runs that came in, as a page of the same size.
    const back = page(newer, second.previous.cursor, 4);
    expect(back.items).toEqual(all.slice(0, 4));
    expect(back.previous.results).toBe(true);
  });

  it('an empty page after the last leads back to the last run', () => {
    const all = history(6, 5).sort((a, b) => compare(b, a));
    const first = page(all, null, all.length);
    expect(first.next.results).toBe(false);
    const beyond = page(all, first.next.cursor, 3);
    expect(beyond).toMatchObject({ items: [], next: { results: false }, previous: { results: true } });
    expect(page(all, beyond.previous.cursor, 3).items).toEqual(all.slice(-3));
  });

  it('a history with nothing in it is one empty page, and the page before the start is empty', () => {
    const empty = page([], null, 10);
    expect(empty).toMatchObject({ items: [], previous: { results: false }, next: { results: false } });
    expect(page([{ createdMs: 1, checkinId: 'a', environment: 'e' }], empty.previous.cursor, 10).items).toEqual([]);
  });

  it('keys travel as base64url JSON, and a cursor of anything else is refused', () => {
    const key = { createdMs: 1_700_000_000_123, checkinId: 'b7e4a6f2-1c3d-4e5f-8a9b-0c1d2e3f4a5b', environment: 'prod: eu/1'.replace('/', '-') };
    const value = encodeKey(RUN_KEY_CODEC, key);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKey(RUN_KEY_CODEC, value)).toEqual(key);
    for (const bad of [
      Buffer.from('[1,"a"]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[-1,"a","b"]').toString('base64url'),
      '!!',
    ]) {
      expect(domainErrorOf(() => decodeKey(RUN_KEY_CODEC, bad))).toMatchObject({ code: 'invalid_cursor', field: 'cursor' });
    }
    expect(domainErrorOf(() => keysetWindow(RUN_KEY_CODEC, { value, offset: 2, isPrev: false }, 10))).toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('pageOfList: a list read whole, answered a page at a time', () => {
  const all = ['a', 'b', 'c', 'd', 'e'];

  it('pages forward with the same cursors as a list paged in its query', () => {
    const first = pageOfList(all, null, 2);
    expect(first.items).toEqual(['a', 'b']);
    expect(first.previous.results).toBe(false);
    expect(first.next.results).toBe(true);
    const second = pageOfList(all, first.next.cursor, 2);
    expect(second.items).toEqual(['c', 'd']);
    const last = pageOfList(all, second.next.cursor, 2);
    expect(last.items).toEqual(['e']);
    expect(last.next.results).toBe(false);
    expect(pageOfList(all, last.previous.cursor, 2).items).toEqual(['c', 'd']);
  });

  it('answers an empty list with an empty page and no next one', () => {
    expect(pageOfList([], null, 100)).toMatchObject({ items: [], previous: { results: false }, next: { results: false } });
  });
});
