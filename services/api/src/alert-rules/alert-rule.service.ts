import { Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { ProjectRepository } from '../projects/project.repository';
import { invalidRule, parseAlertRuleChange } from './alert-rule-input';
import { AlertRuleRepository, type AlertRuleValues, type AlertRuleView } from './alert-rule.repository';

/**
 * Creating and changing alert rules: the body is validated field by field (`parseAlertRuleChange`), then its
 * references are resolved within the token's organization. A project, monitor or integration that is not the
 * organization's is a 400 naming the field, the same answer as one that does not exist.
 */
@Injectable()
export class AlertRuleService {
  constructor(
    private readonly rules: AlertRuleRepository,
    private readonly projects: ProjectRepository,
  ) {}

  async create(organizationId: string, body: unknown): Promise<AlertRuleView> {
    const values = await this.resolve(organizationId, body, null);
    return this.mustFind(organizationId, await this.rules.create(values));
  }

  async update(organizationId: string, current: AlertRuleView, body: unknown): Promise<AlertRuleView> {
    const values = await this.resolve(organizationId, body, current);
    await this.rules.update(current.rule.id, values);
    return this.mustFind(organizationId, current.rule.id);
  }

  private async resolve(organizationId: string, body: unknown, current: AlertRuleView | null): Promise<AlertRuleValues> {
    const change = parseAlertRuleChange(body, current ? 'update' : 'create');
    let project = current?.project ?? null;
    if (change.project !== undefined) {
      project = await this.projects.find(organizationId, change.project);
      if (!project) throw new DomainError('invalid', 'unknown_project', `project "${change.project}" not found`, 'project');
    }
    if (!project) throw new Error('a rule without a project');
    const projectChanged = current !== null && project.id !== current.project.id;
    let monitorId = current?.monitor?.id ?? null;
    if (change.monitor !== undefined) {
      if (change.monitor === null) monitorId = null;
      else {
        const monitor = await this.rules.monitor(project.id, change.monitor);
        if (!monitor) throw new DomainError('invalid', 'unknown_monitor', `monitor "${change.monitor}" not found in project "${project.slug}"`, 'monitor');
        monitorId = monitor.id;
      }
    } else if (projectChanged && monitorId !== null) {
      invalidRule('monitor', 'monitor must be given again (a monitor of the new project, or null for all of them) when project changes');
    }
    const integrationId = change.integration ?? current?.integration.id ?? '';
    if (change.integration !== undefined && !(await this.rules.integrationExists(organizationId, change.integration))) {
      throw new DomainError('invalid', 'unknown_integration', `integration "${change.integration}" not found`, 'integration');
    }
    const values: AlertRuleValues = {
      projectId: project.id,
      monitorId,
      integrationId,
      environments: change.environments !== undefined ? change.environments : (current?.rule.environments ?? null),
      onOpen: change.on_open ?? current?.rule.onOpen ?? true,
      onResolve: change.on_resolve ?? current?.rule.onResolve ?? true,
    };
    if (!values.onOpen && !values.onResolve)
      invalidRule(change.on_open === false ? 'on_open' : 'on_resolve', 'on_open and on_resolve cannot both be false: the rule would notify nobody');
    return values;
  }

  private async mustFind(organizationId: string, id: string): Promise<AlertRuleView> {
    const view = await this.rules.find(organizationId, id);
    if (!view) throw new Error(`alert rule ${id} vanished`);
    return view;
  }
}
