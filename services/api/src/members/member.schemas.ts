import { NAME_SCHEMA, ROLE_SCHEMA } from '../common/openapi/access-schemas';
import { ISO_DATE_TIME, UUID, arrayOf, objectOf, type JsonSchema } from '../common/openapi/json-schema';

const EMAIL: JsonSchema = {
  type: 'string',
  maxLength: 254,
  pattern: '^[^\\s@]{1,64}@[^\\s@]+\\.[^\\s@]+$',
  description: 'Stored lower-cased; one member per address.',
};

export const MEMBER_CREATE: JsonSchema = objectOf(
  {
    email: EMAIL,
    name: { ...NAME_SCHEMA, description: 'Default: the address.' },
    role: { ...ROLE_SCHEMA, description: 'Default member; up to your own role, owner only by an owner.' },
  },
  ['email'],
);
export const MEMBER_UPDATE: JsonSchema = objectOf({ name: NAME_SCHEMA, role: ROLE_SCHEMA });

const FIELDS: Record<string, JsonSchema> = { id: UUID, email: { type: 'string' }, name: { type: 'string' }, role: ROLE_SCHEMA, dateCreated: ISO_DATE_TIME };

export const MEMBER: JsonSchema = objectOf({ ...FIELDS, teams: arrayOf({ type: 'string' }, 'The slugs of its teams.') }, [
  'id',
  'email',
  'name',
  'role',
  'teams',
  'dateCreated',
]);
/** A member as a team lists it. */
export const TEAM_MEMBER: JsonSchema = objectOf(FIELDS, ['id', 'email', 'name', 'role', 'dateCreated']);
