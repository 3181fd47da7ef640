/** One entry of Sentry's `Link` header: the page's URL, its cursor and whether it has anything. */
export interface PageLink {
  url: string;
  rel: string;
  results: boolean;
  cursor: string;
}

const HEADER = /^<[^>]+>; rel="previous"; results="(true|false)"; cursor="[^"]+", <[^>]+>; rel="next"; results="(true|false)"; cursor="[^"]+"$/;
const ENTRY = /^<?([^>]+)>; rel="(\w+)"; results="(true|false)"; cursor="([^"]+)"$/;

/** Sentry's Link header (every list of the API), read as sentry-cli reads it; throws on anything else. */
export function pageLinks(header: string | null): Record<'previous' | 'next', PageLink> {
  if (header === null || !HEADER.test(header)) throw new Error(`not a Link header of Sentry's shape: ${String(header)}`);
  const parsed: Record<string, PageLink> = {};
  for (const part of header.split(', <')) {
    const match = ENTRY.exec(part)!;
    parsed[match[2]!] = { url: match[1]!, rel: match[2]!, results: match[3] === 'true', cursor: match[4]! };
  }
  return parsed;
}
