import type { IssueEventV1 } from '@vigil/contracts';
import type { Alert } from '@vigil/integrations';
import type { Logger } from '@vigil/logging';
import { buildAlert, type MonitorContext } from '../alerts/alert-builder';
import { deliveryIdFor, deliveryKey } from '../deliveries/delivery-id';
import { matchingIntegrations, notifyDecision, type AlertRule } from '../rules/alert-rule-matcher';

/** A delivery to create: pending, due now. */
export interface NewDelivery {
  id: string;
  idempotencyKey: string;
  integrationId: string;
  issueId: string;
  eventId: string;
  kind: 'opened' | 'resolved';
  alert: Alert;
}

/** What recording transitions needs from Postgres (`TransitionRepository`). */
export interface TransitionStore {
  /** The rules of a project that can match a monitor: the project's own and the monitor's. */
  rulesFor(projectId: number, monitorId: string): Promise<AlertRule[]>;
  /** Names and slugs for the alert text; null when the project is gone. */
  monitorContext(projectId: number, monitorId: string): Promise<MonitorContext | null>;
  /**
   * Inserts the deliveries in one transaction; a key already in the ledger is left alone (a redelivered event).
   * Returns how many were new.
   */
  insertDeliveries(deliveries: readonly NewDelivery[]): Promise<number>;
}

export interface RecordTransitionsOptions {
  /** `VIGIL_PUBLIC_APP_URL`: alerts link to the monitor's page under it. */
  appUrl: string;
}

/**
 * The notifier's consumer, as a domain sentence: every issue transition that may notify becomes one pending
 * delivery per integration its matching rules name, written to the ledger before the consumer commits the
 * batch. A redelivered event (a restart before the commit, a rebalance) finds its keys in the ledger and adds
 * nothing; the delivery worker sends what the ledger holds.
 */
export class RecordTransitions {
  constructor(
    private readonly store: TransitionStore,
    private readonly options: RecordTransitionsOptions,
    private readonly logger: Logger,
  ) {}

  /** Returns how many deliveries were created. */
  async handle(events: readonly IssueEventV1[]): Promise<number> {
    const deliveries: NewDelivery[] = [];
    const rules = new Map<string, Promise<AlertRule[]>>();
    for (const event of events) {
      const context = { issue_id: event.issue_id, monitor_id: event.monitor_id, environment: event.environment, event_id: event.event_id, kind: event.kind };
      const decision = notifyDecision(event);
      if (!decision.notify) {
        this.logger.debug({ ...context, reason: decision.reason }, 'issue event notifies nobody');
        continue;
      }
      const key = `${event.project_id}:${event.monitor_id}`;
      if (!rules.has(key)) rules.set(key, this.store.rulesFor(event.project_id, event.monitor_id));
      const integrations = matchingIntegrations((await rules.get(key)) ?? [], event);
      if (integrations.length === 0) {
        this.logger.info(context, 'no alert rule matches the issue transition');
        continue;
      }
      const monitor = await this.store.monitorContext(event.project_id, event.monitor_id);
      if (!monitor) {
        this.logger.warn(context, 'the project of the issue transition is gone: nobody to notify');
        continue;
      }
      for (const integrationId of integrations) {
        const idempotencyKey = deliveryKey(event.event_id, integrationId);
        const id = deliveryIdFor(idempotencyKey);
        const alert = buildAlert(event, monitor, id, this.options.appUrl);
        deliveries.push({ id, idempotencyKey, integrationId, issueId: event.issue_id, eventId: event.event_id, kind: alert.kind === 'resolved' ? 'resolved' : 'opened', alert });
      }
    }
    if (deliveries.length === 0) return 0;
    const created = await this.store.insertDeliveries(deliveries);
    this.logger.info({ deliveries: deliveries.length, created, events: events.length }, 'deliveries recorded for issue transitions');
    return created;
  }
}
