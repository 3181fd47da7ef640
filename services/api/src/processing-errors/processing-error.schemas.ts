import { CHECKIN_SOURCES } from '@vigil/contracts';
import { ISO_DATE_TIME, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';

export const PROCESSING_ERROR: JsonSchema = objectOf(
  {
    id: { type: 'string' },
    monitorSlug: nullable({ type: 'string' }),
    environment: nullable({ type: 'string' }),
    source: { type: 'string', enum: [...CHECKIN_SOURCES] },
    errors: arrayOf(objectOf({ code: { type: 'string' }, field: nullable({ type: 'string' }), message: { type: 'string' } }, ['code', 'field', 'message'])),
    payload: nullable({ type: 'string', description: 'The rejected item as received (cut to a limit).' }),
    dateCreated: ISO_DATE_TIME,
  },
  ['id', 'monitorSlug', 'environment', 'source', 'errors', 'payload', 'dateCreated'],
);
