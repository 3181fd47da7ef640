import { createLogger } from '@vigil/logging';
import type { AlertRule } from '../rules/alert-rule-matcher';
import { deliveryIdFor } from '../deliveries/delivery-id';
import type { MonitorContext } from '../alerts/alert-builder';
import { monitorKey, RecordTransitions, type MonitorRef, type NewDelivery, type TransitionStore } from '../transitions/record-transitions.usecase';
import { issueEvent, MONITOR_ID, PROJECT_ID } from './issue-event-fixture';

const SLACK = 'a0000000-0000-4000-8000-00000000000a';
const PAGER = 'b0000000-0000-4000-8000-00000000000b';

/** The ledger as a map: an insert of a key it holds adds nothing, like ON CONFLICT DO NOTHING. */
class MemoryStore implements TransitionStore {
  readonly ledger = new Map<string, NewDelivery>();
  ruleReads = 0;
  constructor(private readonly rules: AlertRule[]) {}
  async rulesFor(monitors: readonly MonitorRef[]): Promise<Map<string, AlertRule[]>> {
    this.ruleReads += 1;
    return new Map(
      monitors.map((m) => [
        monitorKey(m),
        this.rules.filter((rule) => rule.projectId === m.projectId && (rule.monitorId === null || rule.monitorId === m.monitorId)),
      ]),
    );
  }
  async monitorContexts(monitors: readonly MonitorRef[]): Promise<Map<string, MonitorContext>> {
    return new Map(
      monitors
        .filter((m) => m.projectId === PROJECT_ID)
        .map((m) => [monitorKey(m), { organizationSlug: 'acme', projectSlug: 'backend', monitorName: 'Nightly backup' }]),
    );
  }
  async insertDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    let created = 0;
    for (const delivery of deliveries) {
      if (this.ledger.has(delivery.idempotencyKey)) continue;
      this.ledger.set(delivery.idempotencyKey, delivery);
      created += 1;
    }
    return created;
  }
}

const RULES: AlertRule[] = [
  { id: 'r1', projectId: PROJECT_ID, monitorId: null, integrationId: SLACK, environments: null, onOpen: true, onResolve: true },
  { id: 'r2', projectId: PROJECT_ID, monitorId: MONITOR_ID, integrationId: PAGER, environments: ['production'], onOpen: true, onResolve: true },
];

function recorder(store: TransitionStore): RecordTransitions {
  return new RecordTransitions(store, { appUrl: 'https://vigil.example.com' }, createLogger('test', 'silent'));
}

describe('RecordTransitions', () => {
  it('one pending delivery per matching integration, keyed by event and integration, with the alert built', async () => {
    const store = new MemoryStore(RULES);
    const event = issueEvent({ event_id: 'issue-1:issue.opened:run-9' });
    expect(await recorder(store).handle([event])).toBe(2);
    const deliveries = [...store.ledger.values()];
    expect(deliveries.map((delivery) => [delivery.idempotencyKey, delivery.integrationId, delivery.kind])).toEqual([
      [`issue-1:issue.opened:run-9:${SLACK}`, SLACK, 'opened'],
      [`issue-1:issue.opened:run-9:${PAGER}`, PAGER, 'opened'],
    ]);
    for (const delivery of deliveries) {
      expect(delivery.id).toBe(deliveryIdFor(delivery.idempotencyKey));
      expect(delivery.alert.idempotencyKey).toBe(delivery.id);
      expect(delivery.alert).toMatchObject({ kind: 'opened', issueId: event.issue_id, monitor: { name: 'Nightly backup' }, organization: { slug: 'acme' } });
    }
  });

  it('the same event again (a redelivery) creates nothing new', async () => {
    const store = new MemoryStore(RULES);
    const event = issueEvent();
    expect(await recorder(store).handle([event])).toBe(2);
    expect(await recorder(store).handle([event, event])).toBe(0);
    expect(store.ledger.size).toBe(2);
  });

  it('muted, updated and unmatched events create nothing', async () => {
    const store = new MemoryStore(RULES);
    const created = await recorder(store).handle([
      issueEvent({ event_id: 'muted', muted: true }),
      issueEvent({ event_id: 'updated', kind: 'issue.updated' }),
      issueEvent({ event_id: 'elsewhere', project_id: PROJECT_ID + 1 }),
    ]);
    expect(created).toBe(0);
    expect(store.ledger.size).toBe(0);
  });

  it('opened and resolved of one issue are two transitions with their own deliveries', async () => {
    const store = new MemoryStore(RULES.slice(0, 1));
    await recorder(store).handle([
      issueEvent({ event_id: 'i:issue.opened:a' }),
      issueEvent({ event_id: 'i:issue.resolved:b', kind: 'issue.resolved', status: 'ok', resolved_at: 2_000_000_000_000 }),
    ]);
    expect([...store.ledger.values()].map((delivery) => [delivery.kind, delivery.alert.kind, delivery.alert.status])).toEqual([
      ['opened', 'opened', 'missed'],
      ['resolved', 'resolved', 'ok'],
    ]);
  });

  it('reads the rules once per batch, whatever the number of monitors', async () => {
    const store = new MemoryStore(RULES);
    await recorder(store).handle([issueEvent({ event_id: 'a' }), issueEvent({ event_id: 'b' }), issueEvent({ event_id: 'c' })]);
    expect(store.ruleReads).toBe(1);
    expect(store.ledger.size).toBe(6);
  });
});
