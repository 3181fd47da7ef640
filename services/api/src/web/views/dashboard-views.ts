import { Eta } from 'eta';
import type { DashboardAssets } from '../assets';
import { ENV_ROW, ERROR_PAGE, LAYOUT, MONITOR_LIST, MONITORS_PAGE, SIGN_IN } from './templates';
import { MONITOR_PAGE, MONITOR_STATE } from './monitor-templates';
import { PAGE_TEMPLATES } from './page-templates';

/** Who is signed in, as the header shows it. */
export interface SessionView {
  org: string;
  email: string;
  role: string;
}

export interface PageFrame {
  title: string;
  session: SessionView | null;
  csrf: string | null;
  failing?: number;
  /** The main nav's entry of this page (`aria-current`). */
  current?: string;
}

/** Renders the dashboard's templates (Eta, escaping by default) into whole pages or fragments. */
export class DashboardViews {
  private readonly eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });

  constructor(private readonly assets: DashboardAssets) {
    const templates: Record<string, string> = {
      '@layout': LAYOUT,
      '@sign-in': SIGN_IN,
      '@error': ERROR_PAGE,
      '@env-row': ENV_ROW,
      '@monitor-list': MONITOR_LIST,
      '@monitors': MONITORS_PAGE,
      '@monitor': MONITOR_PAGE,
      '@monitor-state': MONITOR_STATE,
      ...PAGE_TEMPLATES,
    };
    for (const [name, template] of Object.entries(templates)) this.eta.loadTemplate(name, template);
  }

  fragment(name: string, data: object): string {
    return this.eta.render(name, data);
  }

  page(frame: PageFrame, name: string, data: object): string {
    const body = this.eta.render(name, data);
    const assets = {
      htmx: this.assets.htmx.path,
      css: this.assets.css.path,
      js: this.assets.js.path,
      faviconOk: this.assets.faviconOk.path,
      faviconFailing: this.assets.faviconFailing.path,
    };
    const current = frame.current ?? (name === '@monitors' || name === '@monitor' ? 'monitors' : undefined);
    return this.eta.render('@layout', { ...frame, current, failing: frame.failing ?? 0, assets, body });
  }
}
