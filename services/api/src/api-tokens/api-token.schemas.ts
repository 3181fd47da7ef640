import { API_TOKEN_SCOPES } from '@vigil/db';
import { NAME_SCHEMA, ROLE_SCHEMA } from '../common/openapi/access-schemas';
import { ISO_DATE_TIME, UUID, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';

const SCOPE: JsonSchema = { type: 'string', enum: [...API_TOKEN_SCOPES] };

export const API_TOKEN_CREATE: JsonSchema = objectOf(
  {
    name: NAME_SCHEMA,
    scope: { ...SCOPE, description: "`read`: read-only. `write`: an organization token acts as a member, a personal token with its member's role." },
    member: nullable({ ...UUID, description: 'A member id: a personal token of that member. Left out: an organization token.' }),
  },
  ['name', 'scope'],
);

const FIELDS: Record<string, JsonSchema> = {
  id: UUID,
  name: { type: 'string' },
  scope: SCOPE,
  member: nullable(objectOf({ id: UUID, email: { type: 'string' } }, ['id', 'email'])),
  role: { ...ROLE_SCHEMA, description: 'The role the token acts with now.' },
  tokenPrefix: nullable({ type: 'string', description: 'The first 12 characters, to tell tokens apart; null for tokens made before prefixes were kept.' }),
  dateCreated: ISO_DATE_TIME,
  dateLastUsed: nullable({ ...ISO_DATE_TIME, description: 'To the minute.' }),
};
const REQUIRED = ['id', 'name', 'scope', 'member', 'role', 'tokenPrefix', 'dateCreated', 'dateLastUsed'];

export const API_TOKEN: JsonSchema = objectOf(FIELDS, REQUIRED);
export const API_TOKEN_CREATED: JsonSchema = objectOf(
  { ...FIELDS, token: { type: 'string', description: 'The token itself: shown this once, never again.' } },
  [...REQUIRED, 'token'],
);
