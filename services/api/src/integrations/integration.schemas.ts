import { INTEGRATION_TYPES } from '@vigil/integrations';
import { ISO_DATE_TIME, UUID, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { NAME_MAX } from './integration-input';

const CONFIG: JsonSchema = {
  type: 'object',
  description:
    'The settings of the integration type (README, "Alerts"): `slack` {webhook_url}; `pagerduty` {routing_key, severity?}; ' +
    '`webhook` {url, secret?}; `email` {to: [addresses]}. Credentials come back redacted.',
  additionalProperties: true,
};

const NAME: JsonSchema = { type: 'string', minLength: 1, maxLength: NAME_MAX };
const TYPE: JsonSchema = { type: 'string', enum: [...INTEGRATION_TYPES] };

export const INTEGRATION_CREATE: JsonSchema = {
  ...objectOf({ name: NAME, type: TYPE, config: CONFIG }, ['name', 'type', 'config']),
  example: { name: 'Ops webhook', type: 'webhook', config: { url: 'https://hooks.example.com/vigil', secret: 'a-secret-of-at-least-16-characters' } },
};
export const INTEGRATION_UPDATE: JsonSchema = objectOf({ name: NAME, type: TYPE, config: CONFIG });

export const INTEGRATION: JsonSchema = objectOf(
  { id: UUID, name: { type: 'string' }, type: TYPE, config: CONFIG, dateCreated: ISO_DATE_TIME, dateUpdated: ISO_DATE_TIME },
  ['id', 'name', 'type', 'config', 'dateCreated', 'dateUpdated'],
);

export const TEST_NOTIFICATION: JsonSchema = objectOf({
  monitor: { type: 'string', minLength: 1, description: 'Slug or id of a monitor to name in the message (default: an example monitor).' },
  environment: { type: 'string', minLength: 1, maxLength: 64, description: 'Environment to name in the message (default production).' },
});
