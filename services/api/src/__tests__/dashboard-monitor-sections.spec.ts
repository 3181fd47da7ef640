import { DashboardAssets } from '../web/assets';
import { DashboardViews } from '../web/views/dashboard-views';

/** The monitor page's state fragment (the part its poll swaps) as the templates render it. */
const views = new DashboardViews(new DashboardAssets());

const MONITOR = { slug: 'nightly', name: 'Nightly', tags: ['prod', 'db'] };

function state(extra: Record<string, unknown>): string {
  return views.fragment('@monitor-state', {
    org: 'acme',
    monitor: MONITOR,
    range: '24h',
    ranges: [
      { name: '1h', words: 'the last hour', url: '/orgs/acme/monitors/nightly/?range=1h' },
      { name: '24h', words: 'the last 24 hours', url: '/orgs/acme/monitors/nightly/?range=24h' },
    ],
    environments: [],
    checkins: [],
    issues: [],
    moreIssuesUrl: '/orgs/acme/issues/?status=all&monitor=nightly',
    processingErrors: [],
    sectionSize: 2,
    failing: 0,
    zone: 'UTC',
    canWrite: false,
    csrf: 'x',
    pollMs: 1000,
    liveUrl: '/orgs/acme/monitors/nightly/live?range=24h&since=v',
    ...extra,
  });
}

describe("the monitor page's issues and processing errors", () => {
  it('say so when there are none', () => {
    const html = state({});
    expect(html).toContain('<h2 id="issues">Issues</h2>');
    expect(html).toContain('No issue: no environment has reached its failure threshold.');
    expect(html).toContain('No processing error: every check-in was applied as sent.');
    // The range links mark the one shown; the poll keeps the range.
    expect(html).toContain('<a href="/orgs/acme/monitors/nightly/?range=24h" aria-current="page"');
    expect(html).toContain('hx-get="/orgs/acme/monitors/nightly/live?range=24h&amp;since=v"');
  });

  it('list each issue linking to its entry on the Issues page, with the times that opened and resolved it', () => {
    const issue = (id: string, status: string, resolved: string | null) => ({
      id,
      status,
      environment: 'production',
      failureCount: 2,
      openingStatus: 'error',
      openingLabel: 'Failed',
      opened: '2026-12-07T13:00:00.000Z',
      openedText: '2026-12-07 13:00:00 UTC',
      resolved,
      resolvedText: resolved ? '2026-12-07 14:00:00 UTC' : '',
    });
    const html = state({ issues: [issue('i-2', 'open', null), issue('i-1', 'resolved', '2026-12-07T14:00:00.000Z')] });
    expect([...html.matchAll(/<tr data-issue="([^"]+)" data-status="([^"]+)"><td><a href="([^"]+)"/g)].map((m) => [m[1], m[2], m[3]])).toEqual([
      ['i-2', 'open', '/orgs/acme/issues/i-2/'],
      ['i-1', 'resolved', '/orgs/acme/issues/i-1/'],
    ]);
    expect(html).toContain('<time datetime="2026-12-07T14:00:00.000Z" data-local>2026-12-07 14:00:00 UTC</time>');
    expect(html).toContain('<span class="muted">open</span>');
    // A full section links to every issue of the monitor.
    expect(html).toContain('<a href="/orgs/acme/issues/?status=all&amp;monitor=nightly">All issues of this monitor</a>');
  });

  it('list each processing error with its codes, escaped', () => {
    const html = state({
      processingErrors: [
        {
          id: 'e-1',
          environment: 'production',
          source: 'sentry_envelope',
          errors: [{ code: 'monitor_config_clamped', text: 'checkin_margin: <clamped>' }],
          at: '2026-12-07T13:00:00.000Z',
          atText: '2026-12-07 13:00:00 UTC',
        },
      ],
    });
    expect(html).toContain('<tr data-error="e-1" data-code="monitor_config_clamped">');
    expect(html).toContain('<code>monitor_config_clamped</code> checkin_margin: &lt;clamped&gt;');
  });
});
