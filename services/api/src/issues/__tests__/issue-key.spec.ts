import { domainErrorOf } from '@vigil/errors/testing';
import { formatCursor, parseCursor } from '../../common/pagination/cursor';
import { decodeKey, encodeKey, keysetPage, keysetWindow } from '../../common/pagination/keyset-pagination';
import { ISSUE_KEY_CODEC, type IssueKey } from '../issue-key';

const ID = '0b6e2f44-6f0b-4b8e-9d0a-3c1f1c2d4e5f';

describe('issue keys in cursors', () => {
  it('travel as base64url JSON of [opened ms, id] in a cursor of the shape every list uses', () => {
    const key = { openedMs: Date.parse('2026-05-04T10:00:00.123Z'), id: ID };
    const value = encodeKey(ISSUE_KEY_CODEC, key);
    expect(JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))).toEqual([1777888800123, ID]);
    expect(decodeKey(ISSUE_KEY_CODEC, value)).toEqual(key);
    const cursor = formatCursor({ value, offset: 1, isPrev: false });
    expect(keysetWindow(ISSUE_KEY_CODEC, parseCursor(cursor), 10)).toEqual({ key, inclusive: false, direction: 'older', fetch: 11, empty: false });
  });

  it("refuses a cursor of another list or a key that is not an issue's, naming cursor", () => {
    const runKey = Buffer.from(JSON.stringify([1, 'b7e4a6f2-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'production'])).toString('base64url');
    for (const value of [
      runKey,
      encodeKey(ISSUE_KEY_CODEC, { openedMs: 1, id: ID.toUpperCase() }),
      Buffer.from('[-1,"x"]').toString('base64url'),
      Buffer.from(`[1.5,"${ID}"]`).toString('base64url'),
    ]) {
      expect(domainErrorOf(() => keysetWindow(ISSUE_KEY_CODEC, { value, offset: 1, isPrev: false }, 10))).toMatchObject({
        code: 'invalid_cursor',
        field: 'cursor',
      });
    }
    // The monitor list's offset cursors are no keys either.
    expect(domainErrorOf(() => keysetWindow(ISSUE_KEY_CODEC, parseCursor('100:1:0'), 10))).toMatchObject({ code: 'invalid_cursor' });
  });

  it("a full page names the last issue as the next page's boundary", () => {
    const issues: IssueKey[] = [3, 2, 1].map((minute) => ({ openedMs: minute * 60_000, id: `0000000${minute}-0000-4000-8000-000000000000` }));
    const window = keysetWindow(ISSUE_KEY_CODEC, null, 2);
    const page = keysetPage(ISSUE_KEY_CODEC, issues, window, 2, (issue) => issue);
    expect(page.items).toEqual(issues.slice(0, 2));
    expect(page.next.results).toBe(true);
    expect(decodeKey(ISSUE_KEY_CODEC, page.next.cursor.value)).toEqual(issues[1]);
  });
});
