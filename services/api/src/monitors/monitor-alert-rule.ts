import { DomainError } from '@vigil/errors';
import { MAX_EMAIL_RECIPIENTS } from '@vigil/integrations';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { isUuid } from '../common/request-body';
import type { AlertTarget } from './monitor-input';

interface Recipient {
  name: string;
  to: string[];
}

function unknownTarget(index: number, message: string): DomainError {
  return new DomainError('invalid', 'unknown_target', message, `alert_rule.targets[${index}].target_identifier`);
}

/** Whom a target names: a member's address, or every address of a team's members. */
async function recipientOf(manager: EntityManager, organizationId: string, target: AlertTarget, index: number): Promise<Recipient> {
  if (!isUuid(target.identifier))
    throw unknownTarget(
      index,
      `alert_rule.targets[${index}].target_identifier must be the id of a ${target.type === 'Member' ? 'member' : 'team'} of the organization`,
    );
  const id = target.identifier.toLowerCase();
  if (target.type === 'Member') {
    const rows: Array<{ name: string; email: string }> = await manager.query('SELECT name, email FROM members WHERE organization_id = $1 AND id = $2::uuid', [
      organizationId,
      id,
    ]);
    if (!rows[0]) throw unknownTarget(index, `alert_rule.targets[${index}]: no member ${id} in this organization`);
    return { name: `Email ${rows[0].name}`.slice(0, 100), to: [rows[0].email.toLowerCase()] };
  }
  const team: Array<{ slug: string }> = await manager.query('SELECT slug FROM teams WHERE organization_id = $1 AND id = $2::uuid', [organizationId, id]);
  if (!team[0]) throw unknownTarget(index, `alert_rule.targets[${index}]: no team ${id} in this organization`);
  const members: Array<{ email: string }> = await manager.query(
    'SELECT DISTINCT lower(m.email) AS email FROM team_members tm JOIN members m ON m.id = tm.member_id WHERE tm.team_id = $1::uuid ORDER BY 1',
    [id],
  );
  if (members.length === 0) throw unknownTarget(index, `alert_rule.targets[${index}]: team ${team[0].slug} has no members to notify`);
  if (members.length > MAX_EMAIL_RECIPIENTS)
    throw unknownTarget(
      index,
      `alert_rule.targets[${index}]: team ${team[0].slug} has more than ${MAX_EMAIL_RECIPIENTS} members, more than one email integration may address`,
    );
  return { name: `Email team ${team[0].slug}`.slice(0, 100), to: members.map((member) => member.email) };
}

/** The organization's email integration to exactly these addresses, made when there is none. */
async function emailIntegration(manager: EntityManager, organizationId: string, recipient: Recipient): Promise<string> {
  const to = [...recipient.to].sort();
  const found: Array<{ id: string }> = await manager.query(
    `SELECT id FROM integrations WHERE organization_id = $1 AND type = 'email'
        AND (SELECT array_agg(lower(address) ORDER BY lower(address)) FROM jsonb_array_elements_text(config->'to') AS address) = $2::text[]
      ORDER BY created_at, id LIMIT 1`,
    [organizationId, to],
  );
  if (found[0]) return found[0].id;
  const id = randomUUID();
  await manager.query(`INSERT INTO integrations (id, organization_id, name, type, config) VALUES ($1, $2, $3, 'email', $4::jsonb)`, [
    id,
    organizationId,
    recipient.name,
    JSON.stringify({ type: 'email', to }),
  ]);
  return id;
}

/**
 * Sentry's monitor `alert_rule` as Vigil alert rules, in the caller's transaction: each target (a member, or a
 * team's members) is an email integration (the organization's integration to those addresses, made when
 * missing), and each gets a rule on this monitor for `environment` (null: every environment), on open and
 * on resolve. The monitor's email rules are replaced, as Sentry replaces its monitor's alert rule; its rules
 * to Slack, PagerDuty and webhooks stay.
 */
export async function writeMonitorAlertRule(
  manager: EntityManager,
  organizationId: string,
  monitor: { id: string; projectId: number },
  rule: { targets: AlertTarget[]; environment: string | null },
): Promise<void> {
  const integrations = new Set<string>();
  for (const [index, target] of rule.targets.entries())
    integrations.add(await emailIntegration(manager, organizationId, await recipientOf(manager, organizationId, target, index)));
  await manager.query(`DELETE FROM alert_rules r USING integrations i WHERE r.integration_id = i.id AND r.monitor_id = $1 AND i.type = 'email'`, [monitor.id]);
  for (const integrationId of integrations) {
    await manager.query(
      `INSERT INTO alert_rules (id, project_id, monitor_id, integration_id, environments, on_open, on_resolve) VALUES ($1, $2, $3, $4, $5::text[], true, true)`,
      [randomUUID(), monitor.projectId, monitor.id, integrationId, rule.environment === null ? null : [rule.environment]],
    );
  }
}
