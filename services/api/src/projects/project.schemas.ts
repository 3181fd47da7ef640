import { NAME_SCHEMA, SLUG_SCHEMA } from '../common/openapi/access-schemas';
import { ID_STRING, ISO_DATE_TIME, objectOf, type JsonSchema } from '../common/openapi/json-schema';

export const PROJECT_CREATE: JsonSchema = objectOf({ name: NAME_SCHEMA, slug: { ...SLUG_SCHEMA, description: 'Made from the name when left out.' } }, ['name']);
export const PROJECT_UPDATE: JsonSchema = objectOf({
  name: NAME_SCHEMA,
  slug: { ...SLUG_SCHEMA, description: 'URLs naming the project by slug change with it; its id stays.' },
});

export const PROJECT: JsonSchema = objectOf(
  {
    id: ID_STRING,
    slug: { type: 'string' },
    name: { type: 'string' },
    dateCreated: ISO_DATE_TIME,
    pingKey: { type: 'string', description: 'The key of slug ping URLs: /ping/<pingKey>/<monitor slug>.' },
    pingUrl: { type: 'string', description: 'The base of slug ping URLs; append the monitor slug.' },
  },
  ['id', 'slug', 'name', 'dateCreated', 'pingKey', 'pingUrl'],
);
