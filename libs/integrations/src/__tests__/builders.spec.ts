import {
  buildEmail,
  buildPagerDutyEvent,
  buildSlackMessage,
  buildWebhookBody,
  escapeHtml,
  humanUtc,
  isoUtc,
  PAGERDUTY_SUMMARY_MAX,
  pagerDutyDedupKey,
  truncate,
  type PagerDutyIntegrationConfig,
  type PagerDutyTriggerEvent,
} from '../index';
import { alertFixture, ISSUE_ID, MONITOR_URL, SLOT, TRANSITION_ID } from './alert-fixture';

const PD: PagerDutyIntegrationConfig = { type: 'pagerduty', routing_key: 'R0123456789abcdef0123456789ABCDE', severity: 'critical' };

describe('time and text helpers', () => {
  it('formats UTC for people and ISO 8601 for machines', () => {
    expect(humanUtc(SLOT)).toBe('Wed 4 Nov 2026, 03:00 UTC');
    expect(humanUtc(SLOT + 7_000)).toBe('Wed 4 Nov 2026, 03:00:07 UTC');
    expect(isoUtc(SLOT)).toBe('2026-11-04T03:00:00Z');
    expect(isoUtc(SLOT + 5)).toBe('2026-11-04T03:00:00.005Z');
  });

  it('truncates by UTF-16 length without splitting a surrogate pair', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe('Slack message', () => {
  it('has the exact Block Kit shape for an opened issue', () => {
    expect(buildSlackMessage(alertFixture())).toEqual({
      text: `🔴 Nightly backup missed its run (production): expected at Wed 4 Nov 2026, 03:00 UTC. ${MONITOR_URL}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '🔴 Nightly backup missed its run', emoji: true } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: `*Monitor*\n<${MONITOR_URL}|Nightly backup>` },
            { type: 'mrkdwn', text: '*Environment*\nproduction' },
            { type: 'mrkdwn', text: '*Expected run*\nWed 4 Nov 2026, 03:00 UTC\n`2026-11-04T03:00:00Z`' },
            { type: 'mrkdwn', text: '*Status*\nMissed' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Project backend · 3 consecutive failures · issue ${ISSUE_ID}` }] },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'View monitor', emoji: false },
              url: MONITOR_URL,
              action_id: 'vigil_view_monitor',
              style: 'danger',
            },
          ],
        },
      ],
    });
  });

  it('says recovered on resolve, and test on a test', () => {
    const resolved = buildSlackMessage(alertFixture({ kind: 'resolved', status: 'ok' }));
    expect(resolved.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '✅ Nightly backup recovered', emoji: true } });
    expect(JSON.stringify(resolved)).toContain('"style":"primary"');
    const test = buildSlackMessage(alertFixture({ kind: 'test' }));
    expect(test.text).toMatch(/^🔔 Test notification for Nightly backup/);
    expect(JSON.stringify(test)).not.toContain('"style"');
  });

  it('escapes user-written names in mrkdwn, keeps the header under 150 characters', () => {
    const message = buildSlackMessage(alertFixture({ monitor: { id: 'm', slug: 'x', name: `<!channel> & ${'long '.repeat(50)}` }, environment: 'prod|<b>' }));
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
    const json = JSON.stringify(message.blocks.slice(1));
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt; &amp;');
    expect(json).toContain('prod|&lt;b&gt;');
    expect(message.text).not.toContain('<!channel>');
  });
});

describe('PagerDuty event', () => {
  it('triggers with the exact Events API v2 shape', () => {
    expect(buildPagerDutyEvent(alertFixture(), PD)).toEqual({
      routing_key: PD.routing_key,
      event_action: 'trigger',
      dedup_key: `vigil-issue-${ISSUE_ID}`,
      payload: {
        summary: '[Vigil] Nightly backup (production) missed its run: expected at 2026-11-04T03:00:00Z, 3 consecutive failures',
        source: 'acme/backend/nightly-backup@production',
        severity: 'critical',
        timestamp: '2026-11-04T03:05:00.000Z',
        component: 'nightly-backup',
        group: 'backend',
        class: 'missed',
        custom_details: {
          monitor: 'Nightly backup',
          monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
          environment: 'production',
          status: 'missed',
          expected_at: '2026-11-04T03:00:00Z',
          checkin_id: '9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e',
          failure_count: 3,
          issue_id: ISSUE_ID,
          organization: 'acme',
          project: 'backend',
        },
      },
      links: [{ href: MONITOR_URL, text: 'View monitor in Vigil' }],
      client: 'Vigil',
      client_url: MONITOR_URL,
    });
  });

  it('resolves with the same dedup_key as the trigger and nothing else', () => {
    const opened = buildPagerDutyEvent(alertFixture({ idempotencyKey: 'a1' }), PD);
    const retried = buildPagerDutyEvent(alertFixture({ idempotencyKey: 'a1', occurredAt: SLOT + 999_999 }), PD);
    const resolved = buildPagerDutyEvent(alertFixture({ kind: 'resolved', status: 'ok', idempotencyKey: 'b2' }), PD);
    expect(resolved).toEqual({ routing_key: PD.routing_key, event_action: 'resolve', dedup_key: opened.dedup_key });
    expect(retried.dedup_key).toBe(opened.dedup_key);
    expect(buildPagerDutyEvent(alertFixture({ issueId: 'another-issue' }), PD).dedup_key).not.toBe(opened.dedup_key);
  });

  it('a test notification never touches a real incident and is informational', () => {
    const test = buildPagerDutyEvent(alertFixture({ kind: 'test' }), PD) as PagerDutyTriggerEvent;
    expect(test.dedup_key).toBe(`vigil-test-${TRANSITION_ID}`);
    expect(pagerDutyDedupKey(alertFixture({ kind: 'test' }))).not.toBe(pagerDutyDedupKey(alertFixture()));
    expect(test.payload.severity).toBe('info');
    expect(test.payload.summary).toMatch(/^\[Vigil test\] /);
  });

  it('cuts the summary to 1024 characters', () => {
    const event = buildPagerDutyEvent(alertFixture({ monitor: { id: 'm', slug: 'x', name: 'é'.repeat(3000) } }), {
      ...PD,
      severity: 'warning',
    }) as PagerDutyTriggerEvent;
    expect(event.payload.summary.length).toBe(PAGERDUTY_SUMMARY_MAX);
    expect(event.payload.summary.endsWith('…')).toBe(true);
    expect(event.payload.severity).toBe('warning');
  });
});

describe('webhook body', () => {
  it('has the documented version 1 shape', () => {
    expect(buildWebhookBody(alertFixture())).toEqual({
      version: 1,
      event_id: TRANSITION_ID,
      type: 'issue.opened',
      occurred_at: '2026-11-04T03:05:00Z',
      issue: { id: ISSUE_ID, failure_count: 3 },
      organization: { id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c', slug: 'acme' },
      project: { id: 1, slug: 'backend' },
      monitor: { id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b', slug: 'nightly-backup', name: 'Nightly backup', url: MONITOR_URL },
      environment: 'production',
      checkin: { id: '9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e', status: 'missed', expected_at: '2026-11-04T03:00:00Z' },
    });
    expect(buildWebhookBody(alertFixture({ kind: 'resolved', status: 'ok' }))).toMatchObject({ type: 'issue.resolved', checkin: { status: 'ok' } });
    expect(buildWebhookBody(alertFixture({ kind: 'test' })).type).toBe('test');
  });
});

describe('email', () => {
  it('has a one-line subject and the same facts in text and HTML', () => {
    const email = buildEmail(alertFixture());
    expect(email.subject).toBe('[Vigil] Missed: Nightly backup (production) missed its run');
    expect(email.text).toBe(
      [
        'Nightly backup missed its run.',
        '',
        'Monitor: Nightly backup (nightly-backup)',
        'Environment: production',
        'Expected run: Wed 4 Nov 2026, 03:00 UTC (2026-11-04T03:00:00Z)',
        'Status: Missed',
        'Consecutive failures: 3',
        'Project: acme/backend',
        `Issue: ${ISSUE_ID}`,
        '',
        `View the monitor: ${MONITOR_URL}`,
        '',
        '-- ',
        'Vigil',
      ].join('\n'),
    );
    expect(email.html).toContain('<tr><th align="left">Expected run</th><td>Wed 4 Nov 2026, 03:00 UTC (2026-11-04T03:00:00Z)</td></tr>');
    expect(email.html).toContain(`<a href="${escapeHtml(MONITOR_URL)}">View the monitor in Vigil</a>`);
    expect(escapeHtml(MONITOR_URL)).toContain('production&amp;period=24h');
  });

  it('subjects for resolve, timeout and test', () => {
    expect(buildEmail(alertFixture({ kind: 'resolved', status: 'ok' })).subject).toBe('[Vigil] Resolved: Nightly backup (production) recovered');
    expect(buildEmail(alertFixture({ status: 'timeout' })).subject).toBe('[Vigil] Timed out: Nightly backup (production) timed out');
    expect(buildEmail(alertFixture({ status: 'error' })).subject).toBe('[Vigil] Failed: Nightly backup (production) reported a failure');
    expect(buildEmail(alertFixture({ kind: 'test' })).subject).toBe('[Vigil] Test: Nightly backup (production) test notification');
  });

  it('escapes HTML and keeps header injection out of the subject', () => {
    const email = buildEmail(alertFixture({ monitor: { id: 'm', slug: 's', name: '<script>alert("x")</script>\r\nBcc: evil@example.com' } }));
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});
