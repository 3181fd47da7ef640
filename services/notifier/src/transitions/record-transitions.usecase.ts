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

/** A monitor of a project, as the store is asked about it; `monitorKey` names it in the answers. */
export interface MonitorRef {
  projectId: number;
  monitorId: string;
}

export const monitorKey = (ref: MonitorRef): string => `${ref.projectId}:${ref.monitorId}`;

/** What recording transitions needs from Postgres (`TransitionRepository`): one round trip each per batch. */
export interface TransitionStore {
  /** For each monitor (by `monitorKey`), the rules that can match it: its project's own and its own. */
  rulesFor(monitors: readonly MonitorRef[]): Promise<Map<string, AlertRule[]>>;
  /** Names and slugs for the alert text, by `monitorKey`; a monitor whose project is gone is absent. */
  monitorContexts(monitors: readonly MonitorRef[]): Promise<Map<string, MonitorContext>>;
  /**
   * Inserts the deliveries in one statement; a key already in the ledger is left alone (a redelivered event),
   * and so is a delivery to an integration deleted meanwhile. Returns how many were new.
   */
  insertDeliveries(deliveries: readonly NewDelivery[]): Promise<number>;
}

function refOf(event: IssueEventV1): MonitorRef {
  return { projectId: event.project_id, monitorId: event.monitor_id };
}

function logContext(event: IssueEventV1): Record<string, string> {
  return { issue_id: event.issue_id, monitor_id: event.monitor_id, environment: event.environment, event_id: event.event_id, kind: event.kind };
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
    const notifiable = events.filter((event) => {
      const decision = notifyDecision(event);
      if (!decision.notify) this.logger.debug({ ...logContext(event), reason: decision.reason }, 'issue event notifies nobody');
      return decision.notify;
    });
    if (notifiable.length === 0) return 0;
    const monitors = [...new Map(notifiable.map((event) => [monitorKey(refOf(event)), refOf(event)])).values()];
    // One query for the batch's rules and one for its monitors' names, whatever the batch's size.
    const [rules, contexts] = await Promise.all([this.store.rulesFor(monitors), this.store.monitorContexts(monitors)]);
    for (const event of notifiable) {
      const key = monitorKey(refOf(event));
      const integrations = matchingIntegrations(rules.get(key) ?? [], event);
      if (integrations.length === 0) {
        this.logger.info(logContext(event), 'no alert rule matches the issue transition');
        continue;
      }
      const monitor = contexts.get(key);
      if (!monitor) {
        this.logger.warn(logContext(event), 'the project of the issue transition is gone: nobody to notify');
        continue;
      }
      for (const integrationId of integrations) {
        const idempotencyKey = deliveryKey(event.event_id, integrationId);
        const id = deliveryIdFor(idempotencyKey);
        const alert = buildAlert(event, monitor, id, this.options.appUrl);
        deliveries.push({
          id,
          idempotencyKey,
          integrationId,
          issueId: event.issue_id,
          eventId: event.event_id,
          kind: alert.kind === 'resolved' ? 'resolved' : 'opened',
          alert,
        });
      }
    }
    if (deliveries.length === 0) return 0;
    const created = await this.store.insertDeliveries(deliveries);
    this.logger.info({ deliveries: deliveries.length, created, events: events.length }, 'deliveries recorded for issue transitions');
    return created;
  }
}
