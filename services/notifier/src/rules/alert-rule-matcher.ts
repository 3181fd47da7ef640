import type { IssueEventV1 } from '@vigil/contracts';

/** An alert rule as the matcher needs it (a row of `alert_rules`). */
export interface AlertRule {
  id: string;
  projectId: number;
  /** Null: every monitor of the project. */
  monitorId: string | null;
  integrationId: string;
  /** Null: every environment. */
  environments: readonly string[] | null;
  onOpen: boolean;
  onResolve: boolean;
}

/**
 * Whether an issue event can notify anybody at all, before any rule is read:
 * - `issue.opened` and `issue.resolved` can; `issue.updated` (one more failure while the issue is open) never
 *   does: the issue was announced when it opened, and a page per failed run is what issues exist to avoid;
 * - a muted monitor or environment (`muted`) records its issues but notifies nobody.
 */
export type NotifyDecision = { notify: true } | { notify: false; reason: 'muted' | 'not_a_notified_transition' };

export function notifyDecision(event: Pick<IssueEventV1, 'kind' | 'muted'>): NotifyDecision {
  if (event.kind !== 'issue.opened' && event.kind !== 'issue.resolved') return { notify: false, reason: 'not_a_notified_transition' };
  if (event.muted) return { notify: false, reason: 'muted' };
  return { notify: true };
}

/**
 * Whether one rule asks for this event. Rules:
 * - the rule's project is the event's project;
 * - a rule with a monitor matches only that monitor; a rule without one matches every monitor of the project;
 * - a rule with environments matches only those (exact, case-sensitive names, as check-ins carry them);
 *   without environments it matches every environment;
 * - `issue.opened` needs `on_open`, `issue.resolved` needs `on_resolve`; nothing else matches.
 */
export function ruleMatches(rule: AlertRule, event: Pick<IssueEventV1, 'kind' | 'project_id' | 'monitor_id' | 'environment'>): boolean {
  if (rule.projectId !== event.project_id) return false;
  if (rule.monitorId !== null && rule.monitorId !== event.monitor_id) return false;
  if (rule.environments !== null && !rule.environments.includes(event.environment)) return false;
  if (event.kind === 'issue.opened') return rule.onOpen;
  if (event.kind === 'issue.resolved') return rule.onResolve;
  return false;
}

/**
 * The integrations an event goes to: every integration named by at least one matching rule, once, in the order
 * of the first rule naming it. Rules add up: a monitor rule does not silence the project's rules. Nothing for an
 * event `notifyDecision` turns down.
 */
export function matchingIntegrations(
  rules: readonly AlertRule[],
  event: Pick<IssueEventV1, 'kind' | 'muted' | 'project_id' | 'monitor_id' | 'environment'>,
): string[] {
  if (!notifyDecision(event).notify) return [];
  const integrations: string[] = [];
  for (const rule of rules) {
    if (ruleMatches(rule, event) && !integrations.includes(rule.integrationId)) integrations.push(rule.integrationId);
  }
  return integrations;
}
