import { DomainError } from '@vigil/errors';
import { isUuid, objectBody, onlyFields } from '../common/request-body';

/**
 * The fields a create or update body sets, each validated on its own; references (project, monitor,
 * integration) are resolved against the organization afterwards (`AlertRuleService`).
 */
export interface AlertRuleChange {
  /** The project's slug or numeric id. */
  project?: string;
  /** The monitor's slug or id within the project; null: every monitor of the project. */
  monitor?: string | null;
  /** The integration's id. */
  integration?: string;
  /** Null: every environment. */
  environments?: string[] | null;
  on_open?: boolean;
  on_resolve?: boolean;
}

export const INVALID_ALERT_RULE = 'invalid_alert_rule';
const FIELDS = ['project', 'monitor', 'integration', 'environments', 'on_open', 'on_resolve'] as const;
export const MAX_RULE_ENVIRONMENTS = 50;
/** The rule ingest applies to environment names (see sentry-checkin.schema.ts). */
const ENVIRONMENT = /^[^/\r\n\f\t]{1,64}$/;

export function invalidRule(field: string, message: string): never {
  throw new DomainError('invalid', INVALID_ALERT_RULE, message, field);
}

function reference(value: unknown, field: string, what: string): string {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > 64) invalidRule(field, `${field} must be the ${what}`);
  return value.trim();
}

function environments(value: unknown): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_RULE_ENVIRONMENTS) {
    invalidRule('environments', `environments must be null (every environment) or a list of 1 to ${MAX_RULE_ENVIRONMENTS} environment names`);
  }
  const names: string[] = [];
  (value as unknown[]).forEach((entry, index) => {
    if (typeof entry !== 'string' || !ENVIRONMENT.test(entry)) {
      invalidRule(`environments[${index}]`, `environments[${index}] must be an environment name (1 to 64 characters, no slash, tab or line break)`);
    }
    if (!names.includes(entry)) names.push(entry);
  });
  return names;
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') invalidRule(field, `${field} must be true or false`);
  return value;
}

/**
 * Validates a rule body. Rules: only the fields above; on create `project` and `integration` are required;
 * `project` and `monitor` are a slug or an id; `monitor: null` means every monitor of the project;
 * `integration` is an integration id; `environments` is null (every environment) or 1 to 50 names, duplicates
 * dropped; `on_open` and `on_resolve` are booleans. Every error is a 400 naming the field.
 */
export function parseAlertRuleChange(raw: unknown, mode: 'create' | 'update'): AlertRuleChange {
  const body = objectBody(raw);
  onlyFields(body, FIELDS, INVALID_ALERT_RULE);
  const change: AlertRuleChange = {};
  if (body['project'] !== undefined) change.project = reference(body['project'], 'project', 'slug or id of a project');
  else if (mode === 'create') invalidRule('project', 'project is required: the slug or id of the project whose issues the rule is about');
  if (body['monitor'] !== undefined)
    change.monitor = body['monitor'] === null ? null : reference(body['monitor'], 'monitor', 'slug or id of a monitor of the project');
  if (body['integration'] !== undefined) {
    if (!isUuid(body['integration'])) invalidRule('integration', 'integration must be the id of an integration of the organization');
    change.integration = body['integration'].toLowerCase();
  } else if (mode === 'create') {
    invalidRule('integration', 'integration is required: the id of the integration to notify');
  }
  if (body['environments'] !== undefined) change.environments = environments(body['environments']);
  if (body['on_open'] !== undefined) change.on_open = flag(body['on_open'], 'on_open');
  if (body['on_resolve'] !== undefined) change.on_resolve = flag(body['on_resolve'], 'on_resolve');
  return change;
}
