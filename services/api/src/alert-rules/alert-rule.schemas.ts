import { INTEGRATION_TYPES } from '@vigil/integrations';
import { ID_STRING, ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { MAX_RULE_ENVIRONMENTS } from './alert-rule-input';

const REFERENCE: JsonSchema = {
  oneOf: [
    { type: 'string', minLength: 1, maxLength: 64 },
    { type: 'integer', minimum: 1 },
  ],
};
const ENVIRONMENTS: JsonSchema = nullable({
  ...arrayOf({ type: 'string', pattern: '^[^/\\r\\n\\f\\t]{1,64}$' }),
  minItems: 1,
  maxItems: MAX_RULE_ENVIRONMENTS,
  description: 'null: every environment.',
});

const FIELDS: Record<string, JsonSchema> = {
  project: { ...REFERENCE, description: 'The slug or id of the project whose issues the rule is about.' },
  monitor: nullable({ ...REFERENCE, description: 'The slug or id of one monitor of the project; null: every monitor.' }),
  integration: { ...UUID, description: 'The id of the integration to notify.' },
  environments: ENVIRONMENTS,
  on_open: { type: 'boolean', description: 'Notify when an issue opens (default true).' },
  on_resolve: { type: 'boolean', description: 'Notify when an issue resolves (default true).' },
};

export const ALERT_RULE_CREATE: JsonSchema = objectOf(FIELDS, ['project', 'integration']);
export const ALERT_RULE_UPDATE: JsonSchema = objectOf(FIELDS);

export const ALERT_RULE: JsonSchema = objectOf(
  {
    id: UUID,
    project: objectOf({ id: ID_STRING, slug: { type: 'string' } }, ['id', 'slug']),
    monitor: nullable(objectOf({ id: { type: 'string' }, slug: { type: 'string' } }, ['id', 'slug'])),
    integration: objectOf({ id: UUID, name: { type: 'string' }, type: { type: 'string', enum: [...INTEGRATION_TYPES] } }, ['id', 'name', 'type']),
    environments: nullable(arrayOf({ type: 'string' })),
    on_open: { type: 'boolean' },
    on_resolve: { type: 'boolean' },
    dateCreated: ISO_DATE_TIME,
    dateUpdated: ISO_DATE_TIME,
  },
  ['id', 'project', 'monitor', 'integration', 'environments', 'on_open', 'on_resolve', 'dateCreated', 'dateUpdated'],
);
