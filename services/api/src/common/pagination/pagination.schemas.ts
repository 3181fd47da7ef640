import type { JsonSchema } from '../openapi/json-schema';
import { CURSOR_PATTERN } from './cursor';

/** The `cursor` query parameter of every paged list: what a `Link` header gave, or nothing for the first page. */
export const CURSOR_QUERY = {
  cursor: { description: 'A cursor from the `Link` header of the previous answer; empty or left out: the first page.', schema: { type: 'string', pattern: `^(${CURSOR_PATTERN.slice(1, -1)})?$` } as JsonSchema },
};

/** The `Link` header of every paged list's answer (`linkHeader`). */
export const LINK_HEADER = {
  link: {
    description: 'Sentry\'s pagination: `<url>; rel="previous"; results="true|false"; cursor="…", <url>; rel="next"; results="true|false"; cursor="…"`. Follow `next` while its `results` is true.',
    schema: { type: 'string' } as JsonSchema,
  },
};
