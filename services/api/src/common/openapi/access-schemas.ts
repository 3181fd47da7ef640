import { MEMBER_ROLES } from '@vigil/db';
import { PERMISSIONS } from '../../auth/permissions';
import type { JsonSchema } from './json-schema';

/** A slug as Sentry takes one: lower-case letters, digits, `-` and `_`, at most 50, not only digits (no look-ahead, for every regex engine). */
export const SLUG_SCHEMA: JsonSchema = { type: 'string', minLength: 1, maxLength: 50, pattern: '^[a-z0-9_-]*[a-z_-][a-z0-9_-]*$' };
/** A display name: 1 to 100 characters, not only spaces (surrounding spaces are trimmed). */
export const NAME_SCHEMA: JsonSchema = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' };
export const ROLE_SCHEMA: JsonSchema = { type: 'string', enum: [...MEMBER_ROLES], description: 'An organization role (decision 0010).' };
export const PERMISSION_SCHEMA: JsonSchema = { type: 'string', enum: Object.keys(PERMISSIONS) };
