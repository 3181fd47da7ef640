import type { JsonSchema } from '../openapi/json-schema';
import { PER_PAGE_QUERY } from '../openapi/common-params';
import { CURSOR_PATTERN } from './cursor';

/** The `cursor` query parameter of every paged list: what a `Link` header gave, or nothing for the first page. */
export const CURSOR_QUERY = {
  cursor: {
    description: 'A cursor from the `Link` header of the previous answer; empty or left out: the first page.',
    schema: { type: 'string', pattern: `^(${CURSOR_PATTERN.slice(1, -1)})?$` } as JsonSchema,
  },
};

/** The `Link` header of every paged list's answer (`linkHeader`). */
export const LINK_HEADER = {
  link: {
    description:
      'Sentry\'s pagination: `<url>; rel="previous"; results="true|false"; cursor="…", <url>; rel="next"; results="true|false"; cursor="…"`. Follow `next` while its `results` is true.',
    schema: { type: 'string' } as JsonSchema,
  },
};

/** The query of a list paged by position: `per_page` and `cursor`. */
export const PAGE_QUERY = { ...PER_PAGE_QUERY, ...CURSOR_QUERY };

/** What `PAGE_QUERY` validates to. */
export interface PageQuery {
  per_page: number;
  cursor?: string;
}
