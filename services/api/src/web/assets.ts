import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { APP_CSS } from './assets/stylesheet';
import { PAGES_CSS } from './assets/pages-stylesheet';
import { APP_JS } from './assets/browser-script';

/** One static file of the dashboard, served under a name that changes with its content. */
export interface Asset {
  path: string;
  contentType: string;
  body: Buffer;
}

function asset(name: string, extension: string, contentType: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${extension}`, contentType, body };
}

const favicon = (fill: string, mark: string): Buffer =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="${fill}"/><path d="${mark}" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" fill="none"/></svg>`,
  );

/**
 * Every asset the pages use, served by Vigil itself (no CDN) with content-hashed names and a year-long immutable
 * cache: htmx (pinned in services/api/package.json), the dashboard's stylesheet and script, and two favicons
 * (all well, something failing).
 */
export class DashboardAssets {
  readonly htmx: Asset;
  readonly css: Asset;
  readonly js: Asset;
  readonly faviconOk: Asset;
  readonly faviconFailing: Asset;
  private readonly byPath: Map<string, Asset>;

  constructor() {
    this.htmx = asset('htmx-2.0.11', 'min.js', 'text/javascript; charset=utf-8', readFileSync(require.resolve('htmx.org/dist/htmx.min.js')));
    this.css = asset('vigil', 'css', 'text/css; charset=utf-8', Buffer.from(APP_CSS + PAGES_CSS));
    this.js = asset('vigil', 'js', 'text/javascript; charset=utf-8', Buffer.from(APP_JS));
    this.faviconOk = asset('favicon-ok', 'svg', 'image/svg+xml', favicon('#1a7f37', 'M9 16.5l4.5 4.5L23 11.5'));
    this.faviconFailing = asset('favicon-failing', 'svg', 'image/svg+xml', favicon('#cf222e', 'M16 9v8M16 23v0.5'));
    this.byPath = new Map([this.htmx, this.css, this.js, this.faviconOk, this.faviconFailing].map((item) => [item.path, item]));
  }

  find(path: string): Asset | undefined {
    return this.byPath.get(path);
  }
}
