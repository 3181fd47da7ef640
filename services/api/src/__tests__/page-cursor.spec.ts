import { DomainError } from '@vigil/errors';
import { formatCursor, nextPageLink, parseCursor } from '../common/page-cursor';

const ID = '0b6e2f44-6f0b-4b8e-9d0a-3c1f1c2d4e5f';

describe('page cursors', () => {
  it('round-trips the last item of a page', () => {
    const cursor = { at: new Date('2026-05-04T10:00:00.123Z'), id: ID };
    expect(formatCursor(cursor)).toBe(`1777888800123:${ID}`);
    expect(parseCursor(formatCursor(cursor))).toEqual(cursor);
    expect(parseCursor(undefined)).toBeNull();
    expect(parseCursor('')).toBeNull();
  });

  it('refuses anything else, naming cursor', () => {
    for (const raw of ['0:1:0', `x:${ID}`, `1:${ID.toUpperCase()}`, 42]) {
      expect(() => parseCursor(raw)).toThrow(DomainError);
      try {
        parseCursor(raw);
      } catch (error) {
        expect((error as DomainError).field).toBe('cursor');
      }
    }
  });

  it('writes a Link header as Sentry does, keeping the other query parameters', () => {
    const url = new URL('http://api.example:8081/api/0/organizations/acme/issues/?status=open&per_page=2&cursor=old');
    const cursor = { at: new Date(1000), id: ID };
    expect(nextPageLink(url, cursor, cursor)).toBe(
      `<http://api.example:8081/api/0/organizations/acme/issues/?status=open&per_page=2&cursor=1000%3A${ID}>; rel="next"; results="true"; cursor="1000:${ID}"`,
    );
    expect(nextPageLink(url, null, cursor)).toContain('; rel="next"; results="false"; cursor="1000:');
    expect(nextPageLink(new URL('http://api.example/x/'), null, null)).toBe('<http://api.example/x/>; rel="next"; results="false"; cursor=""');
  });
});
