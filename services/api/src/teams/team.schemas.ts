import { NAME_SCHEMA, SLUG_SCHEMA } from '../common/openapi/access-schemas';
import { ISO_DATE_TIME, UUID, objectOf, type JsonSchema } from '../common/openapi/json-schema';

export const TEAM_CREATE: JsonSchema = objectOf(
  { slug: { ...SLUG_SCHEMA, description: 'Made from the name when left out.' }, name: { ...NAME_SCHEMA, description: 'Default: the slug.' } },
  [],
  'A slug or a name, or both.',
);

export const TEAM: JsonSchema = objectOf(
  { id: UUID, slug: { type: 'string' }, name: { type: 'string' }, memberCount: { type: 'integer', minimum: 0 }, dateCreated: ISO_DATE_TIME },
  ['id', 'slug', 'name', 'memberCount', 'dateCreated'],
);
