import { ISO_DATE_TIME, UUID, nullable, objectOf, text, type JsonSchema } from '../common/openapi/json-schema';

export const API_KEY_NAME_MAX = 100;

export const PROJECT_API_KEY_CREATE: JsonSchema = objectOf(
  {
    name: { ...text(API_KEY_NAME_MAX, 'What the key is for, to tell keys apart.'), minLength: 1 },
    read_only: { type: 'boolean', description: 'A read-only key lists and reads checks and flips, and never writes (default false).' },
  },
  ['name'],
);

const FIELDS: Record<string, JsonSchema> = {
  id: UUID,
  name: { type: 'string' },
  prefix: { type: 'string', description: 'The first 12 characters of the key: `vgw_` (read-write) or `vgr_` (read-only) and 8 more.' },
  read_only: { type: 'boolean' },
  dateCreated: ISO_DATE_TIME,
  lastUsed: nullable({ ...ISO_DATE_TIME, description: 'When a request last used it, to the minute; null: never.' }),
  dateRevoked: nullable({ ...ISO_DATE_TIME, description: 'null: the key works.' }),
};

export const PROJECT_API_KEY: JsonSchema = objectOf(FIELDS, Object.keys(FIELDS));

export const PROJECT_API_KEY_CREATED: JsonSchema = objectOf(
  { ...FIELDS, key: { type: 'string', description: 'The key, shown this once: send it as `X-Api-Key` to /api/v3/.' } },
  [...Object.keys(FIELDS), 'key'],
);
