import { decodeMessage, ISSUE_EVENT_STATUSES } from '@vigil/contracts';
import { ALERT_STATUSES, buildWebhookBody, STATUS_LABEL } from '@vigil/integrations';
import { buildAlert } from '../alerts/alert-builder';
import { issueEvent, ISSUE_ID, MONITOR_ID, PROJECT_ID } from './issue-event-fixture';

const DELIVERY_ID = '0f1e2d3c-4b5a-5968-8776-5a4b3c2d1e0f';
const CONTEXT = { organizationSlug: 'acme', projectSlug: 'backend', monitorName: 'Nightly backup' };
const APP = 'https://vigil.example.com/';

describe('buildAlert', () => {
  it('an opened issue: every field from the event and the names from Postgres', () => {
    const event = issueEvent({ status: 'missed', slot: 1795000020000, failure_count: 3, opened_at: 1795000080000, environment: 'production' });
    expect(buildAlert(event, CONTEXT, DELIVERY_ID, APP)).toEqual({
      kind: 'opened',
      issueId: ISSUE_ID,
      idempotencyKey: DELIVERY_ID,
      organization: { id: event.organization_id, slug: 'acme' },
      project: { id: PROJECT_ID, slug: 'backend' },
      monitor: { id: MONITOR_ID, slug: 'nightly-backup', name: 'Nightly backup' },
      environment: 'production',
      status: 'missed',
      slot: 1795000020000,
      checkinId: event.checkin_id,
      occurredAt: 1795000080000,
      failureCount: 3,
      url: 'https://vigil.example.com/acme/monitors/nightly-backup?environment=production',
    });
  });

  it('a resolved issue happened when it resolved, with the ok status', () => {
    const event = issueEvent({ kind: 'issue.resolved', status: 'ok', opened_at: 1_000, resolved_at: 9_000, slot: 8_000 });
    const alert = buildAlert(event, CONTEXT, DELIVERY_ID, APP);
    expect(alert).toMatchObject({ kind: 'resolved', status: 'ok', occurredAt: 9_000, slot: 8_000 });
  });

  it('falls back where the event has no value: the slot to the transition time, resolved_at to opened_at', () => {
    expect(buildAlert(issueEvent({ slot: null, opened_at: 5_000 }), CONTEXT, DELIVERY_ID, APP).slot).toBe(5_000);
    expect(buildAlert(issueEvent({ kind: 'issue.resolved', status: 'ok', resolved_at: null, opened_at: 4_000 }), CONTEXT, DELIVERY_ID, APP).occurredAt).toBe(
      4_000,
    );
  });

  it('a deleted monitor is named by its slug', () => {
    expect(buildAlert(issueEvent(), { ...CONTEXT, monitorName: null }, DELIVERY_ID, APP).monitor.name).toBe('nightly-backup');
  });

  it('escapes what it puts in the link', () => {
    const alert = buildAlert(
      issueEvent({ environment: 'eu west/1', monitor_slug: 'a_b' }),
      { ...CONTEXT, organizationSlug: 'acme' },
      DELIVERY_ID,
      'http://h:8081',
    );
    expect(alert.url).toBe('http://h:8081/acme/monitors/a_b?environment=eu%20west%2F1');
  });

  it('receivers see the delivery id as the webhook event_id', () => {
    expect(buildWebhookBody(buildAlert(issueEvent(), CONTEXT, DELIVERY_ID, APP)).event_id).toBe(DELIVERY_ID);
  });

  it('refuses issue.updated, which notifies nobody', () => {
    expect(() => buildAlert(issueEvent({ kind: 'issue.updated' }), CONTEXT, DELIVERY_ID, APP)).toThrow(/notifies nobody/);
  });
});

describe('an unknown run (a miss while Vigil itself was down) never alerts', () => {
  it('no issue event carries it, so no alert is built for it; every status an issue event carries has its words', () => {
    expect([...ISSUE_EVENT_STATUSES].sort()).toEqual([...ALERT_STATUSES].sort());
    expect(ALERT_STATUSES).not.toContain('unknown');
    expect(Object.keys(STATUS_LABEL).sort()).toEqual([...ALERT_STATUSES].sort());
    // What the notifier consumes is decoded against the contract: an issue event about an unknown is refused there.
    expect(() => decodeMessage('vigil.issues.v1', JSON.stringify({ ...issueEvent({}), status: 'unknown' }))).toThrow('status');
  });
});
