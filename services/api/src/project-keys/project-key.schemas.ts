import { NAME_SCHEMA } from '../common/openapi/access-schemas';
import { ISO_DATE_TIME, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { KEY_STATUSES } from './project-key-input';

export const KEY_CREATE: JsonSchema = objectOf({ name: { ...NAME_SCHEMA, description: 'Default: "Default".' } });
export const KEY_UPDATE: JsonSchema = objectOf({ name: NAME_SCHEMA });
export const KEY_STATUS_QUERY = {
  status: { description: 'Only active keys, or only revoked ones (default: all).', schema: { type: 'string', enum: [...KEY_STATUSES] } as JsonSchema },
};

export const PROJECT_KEY: JsonSchema = objectOf(
  {
    id: { type: 'string', description: 'The public key; what .../keys/<id>/ takes.' },
    name: { type: 'string' },
    label: { type: 'string', description: 'The name again, as Sentry shows it.' },
    public: { type: 'string', description: 'The public key.' },
    projectId: { type: 'integer' },
    isActive: { type: 'boolean', description: 'False once revoked.' },
    dateCreated: ISO_DATE_TIME,
    dateRevoked: nullable(ISO_DATE_TIME),
    dsn: objectOf(
      {
        public: { type: 'string', description: 'The DSN for SDKs and sentry-cli.' },
        crons: { type: 'string', description: 'The cron endpoint for curl; replace ___MONITOR_SLUG___.' },
      },
      ['public', 'crons'],
    ),
  },
  ['id', 'name', 'label', 'public', 'projectId', 'isActive', 'dateCreated', 'dateRevoked', 'dsn'],
);
