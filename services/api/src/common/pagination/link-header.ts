import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestUrl } from '../request-url';
import { formatCursor, parseCursor, type Page, type PageLink } from './cursor';
import { offsetPage, offsetWindow } from './offset-pagination';
import type { PageQuery } from './pagination.schemas';

/**
 * The `Link` header of a page, as Sentry writes it:
 * `<url&cursor=…>; rel="previous"; results="false"; cursor="…", <url&cursor=…>; rel="next"; results="true"; cursor="…"`.
 * `url` is the request's own absolute URL; its other query parameters stay, so a filter applies to every page.
 */
export function linkHeader(url: URL, previous: PageLink, next: PageLink): string {
  const kept = new URLSearchParams(url.search);
  kept.delete('cursor');
  const query = kept.toString();
  const base = `${url.origin}${url.pathname}?${query === '' ? '' : `${query}&`}`;
  const entry = (rel: string, link: PageLink): string => {
    const cursor = formatCursor(link.cursor);
    return `<${base}cursor=${cursor}>; rel="${rel}"; results="${link.results ? 'true' : 'false'}"; cursor="${cursor}"`;
  };
  return `${entry('previous', previous)}, ${entry('next', next)}`;
}

/** Answers a page of a list: its items, with the `Link` header of the pages around it. */
export function pageItems<T>(request: FastifyRequest, reply: FastifyReply, page: Page<T>): T[] {
  void reply.header('link', linkHeader(requestUrl(request), page.previous, page.next));
  return page.items;
}

/**
 * A list paged by position in its query: reads a page and one row more from the cursor's offset (`read(offset,
 * limit)`) and answers the page with its `Link` header.
 */
export async function pageByOffset<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  query: PageQuery,
  read: (offset: number, limit: number) => Promise<T[]>,
): Promise<T[]> {
  const window = offsetWindow(parseCursor(query.cursor), query.per_page);
  return pageItems(request, reply, offsetPage(await read(window.offset, window.fetch), window, query.per_page));
}
