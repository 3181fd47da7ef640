import type { ErrorObject } from 'ajv';
import { DomainError } from '@vigil/errors';
import { NO_NUL_PATTERN } from '../postgres-text';
import { TAG_PATTERN } from '../tags';

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

/**
 * The error to report among ajv's: for a value that fits none of a `oneOf`'s forms, the error of the form whose
 * type the value has (an interval `[5, "fortnight"]` is wrong in its unit, not in not being a string), looked for
 * from the outermost choice in; when no form has the value's type, the `oneOf` itself, described by the schema's
 * `description`.
 */
export function mostRelevantError(errors: readonly ErrorObject[]): ErrorObject {
  const choices = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  const choice = choices.sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
  if (!choice) return errors[0]!;
  const branches = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (!error.schemaPath.startsWith(`${choice.schemaPath}/`)) continue;
    const branch = error.schemaPath.slice(choice.schemaPath.length + 1).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  for (const branchErrors of branches.values()) {
    const wrongType = branchErrors.some((error) => error.keyword === 'type' && error.instancePath === choice.instancePath);
    if (!wrongType && branchErrors.length > 0) return mostRelevantError(branchErrors);
  }
  return choice;
}

function rule(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'oneOf':
    case 'anyOf': {
      const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
      return typeof description === 'string'
        ? `must be ${description.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())}`
        : 'is none of the accepted forms';
    }
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
    case 'multipleOf':
      return `must be a multiple of ${String(params['multipleOf'])}`;
    case 'pattern':
      if (params['pattern'] === TAG_PATTERN) return 'must be one tag, a word without spaces or NUL characters (repeat the parameter for more tags)';
      return params['pattern'] === NO_NUL_PATTERN ? 'must not contain NUL characters' : `must match ${String(params['pattern'])}`;
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
