import { PERMISSION_SCHEMA, ROLE_SCHEMA } from '../common/openapi/access-schemas';
import { ISO_DATE_TIME, UUID, arrayOf, objectOf, type JsonSchema } from '../common/openapi/json-schema';

export const ORGANIZATION: JsonSchema = objectOf(
  {
    id: UUID,
    slug: { type: 'string' },
    name: { type: 'string' },
    dateCreated: ISO_DATE_TIME,
    role: { ...ROLE_SCHEMA, description: 'The role the calling token acts with.' },
    access: arrayOf(PERMISSION_SCHEMA, 'The permissions of the calling token.'),
  },
  ['id', 'slug', 'name', 'dateCreated', 'role', 'access'],
);
