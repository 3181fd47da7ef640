import { domainErrorOf } from '@vigil/errors/testing';
import { impliedErrors, type EndpointSpec } from '../endpoint-spec';
import { PER_PAGE, arrayOf, nullable, objectOf } from '../json-schema';
import { RequestValidator } from '../request-validator';
import { MONITOR_STATS_QUERY } from '../../../monitor-stats/monitor-stats.schemas';
import { MONITOR_LIST_QUERY } from '../../../monitors/monitor.schemas';

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

describe('RequestValidator', () => {
  const validator = new RequestValidator(spec);

  it('coerces declared query parameters, fills defaults and keeps unknown ones', () => {
    expect(validator.query({ per_page: '20', cursor: 'abc' })).toEqual({ per_page: 20, cursor: 'abc' });
    expect(validator.query(undefined)).toEqual({ per_page: 100 });
  });

  it('names the query parameter and its rule', () => {
    expect(domainErrorOf(() => validator.query({ per_page: '0' }))).toMatchObject({
      kind: 'invalid',
      code: 'invalid_per_page',
      field: 'per_page',
      message: 'per_page must be >= 1',
    });
    expect(domainErrorOf(() => validator.query({ per_page: 'ten' }))).toMatchObject({ code: 'invalid_per_page', message: 'per_page must be an integer' });
    expect(domainErrorOf(() => validator.query({ status: 'missed' }))).toMatchObject({
      code: 'invalid_status',
      message: 'status must be one of "ok", "error"',
    });
  });

  it('accepts a body that matches and refuses a missing one', () => {
    expect(validator.body({ name: 'a', owner: null })).toEqual({ name: 'a', owner: null });
    expect(domainErrorOf(() => validator.body(undefined))).toMatchObject({ code: 'invalid_body' });
    expect(domainErrorOf(() => validator.body([]))).toMatchObject({ code: 'invalid_body', message: 'the request body must be an object' });
  });

  it('names nested fields, unknown fields and missing fields', () => {
    expect(domainErrorOf(() => validator.body({ name: 'a', config: { tags: ['ok', 'toolong'] } }))).toMatchObject({
      code: 'invalid_tags',
      field: 'config.tags[1]',
      message: 'config.tags[1] must be at most 3 characters long',
    });
    expect(domainErrorOf(() => validator.body({ name: 'a', config: { shedule: '* * * * *' } }))).toMatchObject({
      code: 'unknown_field',
      field: 'config.shedule',
    });
    expect(domainErrorOf(() => validator.body({ config: {} }))).toMatchObject({ code: 'missing_field', field: 'name', message: 'name is required' });
    expect(domainErrorOf(() => validator.body({ name: 7 }))).toMatchObject({ code: 'invalid_name', field: 'name', message: 'name must be a string' });
  });

  it('leaves an optional body alone when none was sent', () => {
    const optional = new RequestValidator({ ...spec, body: { schema: objectOf({}), required: false } });
    expect(optional.body(undefined)).toBeUndefined();
    expect(domainErrorOf(() => optional.body({ x: 1 }))).toMatchObject({ code: 'unknown_field', field: 'x' });
  });
});

describe('impliedErrors', () => {
  it('documents what every endpoint of a kind can answer', () => {
    expect(impliedErrors(spec)).toEqual(['invalid', 'unauthorized', 'forbidden', 'not_found', 'too_large']);
    expect(impliedErrors({ summary: 'x', auth: 'public', response: { status: 200, description: 'ok' } })).toEqual([]);
    expect(
      impliedErrors({
        summary: 'x',
        auth: 'public',
        params: { id: { description: 'id' } },
        errors: ['conflict'],
        response: { status: 200, description: 'ok' },
      }),
    ).toEqual(['not_found', 'conflict']);
  });
});

describe('errors inside a oneOf', () => {
  const UNIT = { type: 'string', enum: ['minute', 'day'] };
  const schedule = {
    description: 'A crontab, or [value, unit].',
    oneOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', items: { oneOf: [{ type: 'integer', minimum: 1 }, UNIT] }, minItems: 2, maxItems: 2 },
    ],
  };
  const validator = new RequestValidator({
    summary: 't',
    auth: 'bearer',
    body: { schema: objectOf({ config: objectOf({ schedule }) }) },
    response: { status: 200, description: 'ok' },
  });

  it('reports the error of the form whose type the value has', () => {
    expect(domainErrorOf(() => validator.body({ config: { schedule: [5, 'fortnight'] } }))).toMatchObject({
      field: 'config.schedule[1]',
      message: 'config.schedule[1] must be one of "minute", "day"',
    });
    expect(domainErrorOf(() => validator.body({ config: { schedule: [5] } }))).toMatchObject({
      field: 'config.schedule',
      message: 'config.schedule must have at least 2 items',
    });
    expect(domainErrorOf(() => validator.body({ config: { schedule: '' } }))).toMatchObject({
      field: 'config.schedule',
      message: 'config.schedule must be at least 1 characters long',
    });
  });

  it('describes the oneOf when the value has none of its types', () => {
    expect(domainErrorOf(() => validator.body({ config: { schedule: 5 } }))).toMatchObject({
      field: 'config.schedule',
      message: 'config.schedule must be a crontab, or [value, unit]',
    });
  });
});

describe('RequestValidator and NUL characters (Postgres text cannot hold them)', () => {
  const validator = new RequestValidator(spec);

  it('refuses a NUL in any body or query string, naming the field', () => {
    expect(domainErrorOf(() => validator.body({ name: 'a\u0000' }))).toMatchObject({ code: 'invalid_text', field: 'name' });
    expect(domainErrorOf(() => validator.body({ name: 'a', config: { tags: ['ok', 'b\u0000'] } }))).toMatchObject({
      code: 'invalid_text',
      field: 'config.tags[1]',
    });
    expect(domainErrorOf(() => validator.query({ cursor: '\u0000' }))).toMatchObject({ code: 'invalid_text', field: 'cursor' });
  });

  it('refuses a lone surrogate the same way, and keeps proper pairs', () => {
    expect(domainErrorOf(() => validator.body({ name: 'a\ud800' }))).toMatchObject({
      code: 'invalid_text',
      field: 'name',
      message: 'name must not contain lone UTF-16 surrogates (text that is not Unicode)',
    });
    expect(validator.body({ name: 'a\ud83d\ude80' })).toEqual({ name: 'a\ud83d\ude80' });
  });
});

describe('RequestValidator with an optional body', () => {
  const optional = new RequestValidator({ ...spec, body: { schema: spec.body!.schema, required: false } });

  it('takes no body, but refuses a JSON null (a body that is not an object)', () => {
    expect(optional.body(undefined)).toBeUndefined();
    expect(domainErrorOf(() => optional.body(null))).toMatchObject({ code: 'invalid_body' });
  });
});

describe('the monitors list and stats queries', () => {
  const list = new RequestValidator({ summary: 'list', auth: 'bearer', query: MONITOR_LIST_QUERY, response: { status: 200, description: 'ok' } });
  const stats = new RequestValidator({ summary: 'stats', auth: 'bearer', query: MONITOR_STATS_QUERY, response: { status: 200, description: 'ok' } });

  it('take tag= once or repeated, and refuse a tag with a space or NUL naming it and the rule', () => {
    expect(list.query({ tag: 'prod' })).toMatchObject({ tag: ['prod'] });
    expect(list.query({ tag: ['prod', 'db'] })).toMatchObject({ tag: ['prod', 'db'] });
    expect(stats.query({ tag: ['db'] })).toMatchObject({ tag: ['db'] });
    expect(domainErrorOf(() => list.query({ tag: ['prod', 'prod db'] }))).toMatchObject({
      code: 'invalid_tag',
      field: 'tag[1]',
      message: 'tag[1] must be one tag, a word without spaces or NUL characters (repeat the parameter for more tags)',
    });
    expect(domainErrorOf(() => list.query({ tag: 'a\u0000b' }))).toMatchObject({ field: 'tag[0]' });
    expect(domainErrorOf(() => list.query({ tag: '' }))).toMatchObject({ field: 'tag[0]', message: 'tag[0] must be at least 1 characters long' });
  });

  it('take durations=true for the duration percentiles and refuse another value naming it', () => {
    expect(stats.query({ durations: 'true' })).toMatchObject({ durations: true });
    expect(stats.query({})).not.toHaveProperty('durations');
    expect(domainErrorOf(() => stats.query({ durations: 'yes' }))).toMatchObject({ field: 'durations', message: 'durations must be a boolean' });
  });
});
