import { DomainError } from '@vigil/errors';
import { impliedErrors, type EndpointSpec } from '../endpoint-spec';
import { PER_PAGE, arrayOf, nullable, objectOf } from '../json-schema';
import { RequestValidator } from '../request-validator';

const spec: EndpointSpec = {
  summary: 'test',
  auth: 'bearer',
  query: { per_page: { description: 'n', schema: PER_PAGE }, status: { description: 's', schema: { type: 'string', enum: ['ok', 'error'] } } },
  body: {
    schema: objectOf(
      {
        name: { type: 'string', minLength: 1, maxLength: 5 },
        config: objectOf({ schedule: { type: 'string' }, tags: arrayOf({ type: 'string', maxLength: 3 }) }),
        owner: nullable({ type: 'string' }),
      },
      ['name'],
    ),
  },
  response: { status: 200, description: 'ok' },
};

function rejection(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('RequestValidator', () => {
  const validator = new RequestValidator(spec);

  it('coerces declared query parameters, fills defaults and keeps unknown ones', () => {
    expect(validator.query({ per_page: '20', cursor: 'abc' })).toEqual({ per_page: 20, cursor: 'abc' });
    expect(validator.query(undefined)).toEqual({ per_page: 100 });
  });

  it('names the query parameter and its rule', () => {
    expect(rejection(() => validator.query({ per_page: '0' }))).toMatchObject({ kind: 'invalid', code: 'invalid_per_page', field: 'per_page', message: 'per_page must be >= 1' });
    expect(rejection(() => validator.query({ per_page: 'ten' }))).toMatchObject({ code: 'invalid_per_page', message: 'per_page must be an integer' });
    expect(rejection(() => validator.query({ status: 'missed' }))).toMatchObject({ code: 'invalid_status', message: 'status must be one of "ok", "error"' });
  });

  it('accepts a body that matches and refuses a missing one', () => {
    expect(validator.body({ name: 'a', owner: null })).toEqual({ name: 'a', owner: null });
    expect(rejection(() => validator.body(undefined))).toMatchObject({ code: 'invalid_body' });
    expect(rejection(() => validator.body([]))).toMatchObject({ code: 'invalid_body', message: 'the request body must be an object' });
  });

  it('names nested fields, unknown fields and missing fields', () => {
    expect(rejection(() => validator.body({ name: 'a', config: { tags: ['ok', 'toolong'] } }))).toMatchObject({
      code: 'invalid_tags',
      field: 'config.tags[1]',
      message: 'config.tags[1] must be at most 3 characters long',
    });
    expect(rejection(() => validator.body({ name: 'a', config: { shedule: '* * * * *' } }))).toMatchObject({ code: 'unknown_field', field: 'config.shedule' });
    expect(rejection(() => validator.body({ config: {} }))).toMatchObject({ code: 'missing_field', field: 'name', message: 'name is required' });
    expect(rejection(() => validator.body({ name: 7 }))).toMatchObject({ code: 'invalid_name', field: 'name', message: 'name must be a string' });
  });

  it('leaves an optional body alone when none was sent', () => {
    const optional = new RequestValidator({ ...spec, body: { schema: objectOf({}), required: false } });
    expect(optional.body(undefined)).toBeUndefined();
    expect(rejection(() => optional.body({ x: 1 }))).toMatchObject({ code: 'unknown_field', field: 'x' });
  });
});

describe('impliedErrors', () => {
  it('documents what every endpoint of a kind can answer', () => {
    expect(impliedErrors(spec)).toEqual(['invalid', 'unauthorized', 'forbidden', 'not_found', 'too_large']);
    expect(impliedErrors({ summary: 'x', auth: 'public', response: { status: 200, description: 'ok' } })).toEqual([]);
    expect(impliedErrors({ summary: 'x', auth: 'public', params: { id: { description: 'id' } }, errors: ['conflict'], response: { status: 200, description: 'ok' } })).toEqual(['not_found', 'conflict']);
  });
});
