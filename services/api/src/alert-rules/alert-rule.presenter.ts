import type { AlertRuleView } from './alert-rule.repository';

/** A rule as the API shows it: the fields a request sets under the same names, and what they refer to. */
export function presentAlertRule(view: AlertRuleView): Record<string, unknown> {
  return {
    id: view.rule.id,
    project: { id: String(view.project.id), slug: view.project.slug },
    monitor: view.monitor,
    integration: view.integration,
    environments: view.rule.environments,
    on_open: view.rule.onOpen,
    on_resolve: view.rule.onResolve,
    dateCreated: view.rule.createdAt.toISOString(),
    dateUpdated: view.rule.updatedAt.toISOString(),
  };
}
