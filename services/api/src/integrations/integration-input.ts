import { DomainError } from '@vigil/errors';
import { INTEGRATION_TYPES, INVALID_INTEGRATION_CONFIG, parseIntegrationConfig, type IntegrationConfig, type IntegrationType } from '@vigil/integrations';
import { objectBody, onlyFields } from '../common/request-body';

/** What creating an integration takes: `{"name": "...", "type": "slack", "config": {...}}`. */
export interface IntegrationCreate {
  name: string;
  config: IntegrationConfig;
}

/** What an update changes: the name, the config, or both. */
export interface IntegrationUpdate {
  name?: string;
  config?: IntegrationConfig;
}

const FIELDS = ['name', 'type', 'config'] as const;
export const NAME_MAX = 100;
/** What responses show in place of a credential (`redactIntegrationConfig`). */
const REDACTED_MARK = '[REDACTED]';

function fail(field: string, message: string, code = INVALID_INTEGRATION_CONFIG): never {
  throw new DomainError('invalid', code, message, field);
}

function parseName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > NAME_MAX)
    fail('name', `name must be text of 1 to ${NAME_MAX} characters`, 'invalid_name');
  return value.trim();
}

function parseType(value: unknown): IntegrationType {
  if (typeof value !== 'string' || !(INTEGRATION_TYPES as readonly string[]).includes(value))
    fail('type', `type must be one of ${INTEGRATION_TYPES.join(', ')}`);
  return value as IntegrationType;
}

/**
 * The config object as sent, checked for what `parseIntegrationConfig` cannot know about: it is an object, a
 * `type` inside it agrees with the top-level one, and no value is a redacted one copied from a response (a
 * Slack URL ending in `/[REDACTED]` is a valid URL that would silently stop alerts).
 */
function configFields(value: unknown, type: IntegrationType): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('config', 'config must be an object with the settings of the integration type');
  const fields = { ...(value as Record<string, unknown>) };
  if ('type' in fields) {
    if (fields['type'] !== type) fail('config.type', 'config.type must be left out (type is a top-level field) or equal type');
    delete fields['type'];
  }
  for (const [key, field] of Object.entries(fields)) {
    if (typeof field === 'string' && field.includes(REDACTED_MARK)) {
      fail(`config.${key}`, `config.${key} is a redacted value from an API response: send the real value, or leave the field out of an update to keep it`);
    }
  }
  return fields;
}

/** Validates a create body; every error is a 400 naming the field (`name`, `type`, `config.webhook_url`, ...). */
export function parseIntegrationCreate(raw: unknown): IntegrationCreate {
  const body = objectBody(raw);
  onlyFields(body, FIELDS, 'invalid_field');
  const name = parseName(body['name']);
  const type = parseType(body['type']);
  const config = parseIntegrationConfig({ ...configFields(body['config'], type), type }, { fieldPrefix: 'config.' });
  return { name, config };
}

/**
 * Validates an update body against the stored config. Rules: the type cannot change (make a new integration);
 * `config` fields sent replace the stored ones and fields left out keep their values (so a secret need not be
 * sent again to rename a channel), and the result is validated as a whole.
 */
export function parseIntegrationUpdate(raw: unknown, current: IntegrationConfig): IntegrationUpdate {
  const body = objectBody(raw);
  onlyFields(body, FIELDS, 'invalid_field');
  if (body['type'] !== undefined && body['type'] !== current.type)
    fail('type', `type cannot change (this is a ${current.type} integration): create a new integration instead`);
  const update: IntegrationUpdate = {};
  if (body['name'] !== undefined) update.name = parseName(body['name']);
  if (body['config'] !== undefined) {
    update.config = parseIntegrationConfig({ ...current, ...configFields(body['config'], current.type), type: current.type }, { fieldPrefix: 'config.' });
  }
  return update;
}

/** The `monitor` of a test notification's body: a slug (the OpenAPI schema says a non-empty string), or none. */
export function testNotificationMonitor(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new DomainError('invalid', 'invalid_monitor', 'monitor must be the slug of a monitor', 'monitor');
  return value;
}
