import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestUrl } from '../request-url';
import { formatCursor, type Page, type PageLink } from './cursor';

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
