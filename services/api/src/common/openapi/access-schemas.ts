import { MEMBER_ROLES } from '@vigil/db';
import { PERMISSIONS } from '../../auth/permissions';
import { SLUG_MAX, SLUG_PATTERN } from '../slug';
import type { JsonSchema } from './json-schema';

/** A slug as Sentry takes one (`isSlug`). */
export const SLUG_SCHEMA: JsonSchema = { type: 'string', minLength: 1, maxLength: SLUG_MAX, pattern: SLUG_PATTERN };
/** A display name: 1 to 100 characters, not only spaces (surrounding spaces are trimmed). */
export const NAME_SCHEMA: JsonSchema = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' };
export const ROLE_SCHEMA: JsonSchema = { type: 'string', enum: [...MEMBER_ROLES], description: 'An organization role (decision 0010).' };
export const PERMISSION_SCHEMA: JsonSchema = { type: 'string', enum: Object.keys(PERMISSIONS) };
