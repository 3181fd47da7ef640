import type { ErrorObject } from 'ajv';
import { DomainError } from '@vigil/errors';

/**
 * One ajv error as the API's 400: the field named the way the client wrote it (`config.schedule`, `per_page`,
 * `tags[2]`), a code derived from the field (`invalid_schedule`, `unknown_field`, `missing_field`) and a message
 * that states the rule.
 */
export function schemaErrorToDomainError(error: ErrorObject, where: 'body' | 'query'): DomainError {
  const path = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = join(path, String(params['additionalProperty']));
      return new DomainError('invalid', 'unknown_field', `${field} is not a field here`, field);
    }
    case 'required': {
      const field = join(path, String(params['missingProperty']));
      return new DomainError('invalid', 'missing_field', `${field} is required`, field);
    }
  }
  if (path === '') {
    const what = where === 'body' ? 'the request body' : 'the query string';
    return new DomainError('invalid', where === 'body' ? 'invalid_body' : 'invalid_query', `${what} ${rule(error)}`);
  }
  return new DomainError('invalid', `invalid_${lastName(path)}`, `${path} ${rule(error)}`, path);
}

function rule(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${article(String(params['type']))}`;
    case 'enum':
      return `must be one of ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params['comparison'])} ${String(params['limit'])}`;
    case 'minLength':
      return `must be at least ${String(params['limit'])} characters long`;
    case 'maxLength':
      return `must be at most ${String(params['limit'])} characters long`;
    case 'minItems':
      return `must have at least ${String(params['limit'])} items`;
    case 'maxItems':
      return `must have at most ${String(params['limit'])} items`;
    case 'pattern':
      return `must match ${String(params['pattern'])}`;
    case 'format':
      return `must be a valid ${String(params['format'])}`;
    default:
      return error.message ?? 'is not valid';
  }
}

function article(type: string): string {
  const names = type.split(',').map((name) => (name === 'integer' ? 'an integer' : name === 'object' || name === 'array' ? `an ${name}` : `a ${name}`));
  return names.join(' or ');
}

/** `/config/schedule/0` → `config.schedule[0]`. */
function fieldPath(instancePath: string): string {
  if (instancePath === '') return '';
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : join(path, segment)), '');
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function lastName(path: string): string {
  const names = path.replace(/\[\d+\]/g, '').split('.');
  return names[names.length - 1] ?? path;
}
