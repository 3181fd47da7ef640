import { domainErrorOf } from '@vigil/errors/testing';
import { RequestValidator } from '../../common/openapi/request-validator';
import { intervalForSeconds, normalizeCron, parseCheckSpec, secondsOfInterval, tagList } from '../check-spec';
import { markFractionMembers } from '../../common/json-literals';
import { CHECK_SPEC, CHECK_SPEC_FIELDS } from '../healthchecks.schemas';

describe('Healthchecks timeouts as Vigil intervals', () => {
  it('uses the largest fixed unit that divides the timeout', () => {
    expect(intervalForSeconds(60)).toEqual({ value: 1, unit: 'minute' });
    expect(intervalForSeconds(90 * 60)).toEqual({ value: 90, unit: 'minute' });
    expect(intervalForSeconds(7200)).toEqual({ value: 2, unit: 'hour' });
    expect(intervalForSeconds(86_400)).toEqual({ value: 1, unit: 'day' });
    expect(intervalForSeconds(3 * 86_400)).toEqual({ value: 3, unit: 'day' });
    expect(intervalForSeconds(604_800)).toEqual({ value: 1, unit: 'week' });
    expect(intervalForSeconds(31_536_000)).toEqual({ value: 365, unit: 'day' });
  });

  it('reads every interval back as the seconds it was made from', () => {
    for (const seconds of [60, 120, 3600, 5400, 86_400, 172_800, 604_800, 31_536_000]) {
      const { value, unit } = intervalForSeconds(seconds);
      expect(secondsOfInterval(value, unit)).toBe(seconds);
    }
  });

  it('shows calendar months and years (Sentry monitors) as 30 and 365 days', () => {
    expect(secondsOfInterval(1, 'month')).toBe(2_592_000);
    expect(secondsOfInterval(2, 'year')).toBe(63_072_000);
  });
});

describe('parseCheckSpec', () => {
  it('maps a simple check: timeout to an interval, grace to minutes of margin, desc to description', () => {
    expect(
      parseCheckSpec({ name: 'Backups', slug: 'backups', tags: 'prod db', desc: 'nightly', timeout: 3600, grace: 600, manual_resume: true }, 'UTC'),
    ).toEqual({
      name: 'Backups',
      slug: 'backups',
      tags: 'prod db',
      description: 'nightly',
      schedule: { type: 'interval', value: 1, unit: 'hour' },
      checkinMargin: 10,
      manualResume: true,
    });
  });

  it('makes a cron check when schedule is given (timeout is then ignored, as in Healthchecks)', () => {
    expect(parseCheckSpec({ schedule: ' 0  3 * * 1-5 ', tz: 'Europe/Berlin', timeout: 120 }, 'UTC')).toEqual({
      schedule: { type: 'crontab', value: '0 3 * * 1-5' },
      timezone: 'Europe/Berlin',
    });
  });

  it('changes nothing it was not given', () => {
    expect(parseCheckSpec({}, 'UTC')).toEqual({});
    expect(parseCheckSpec({ slug: '' }, 'UTC')).toEqual({});
  });

  it('refuses an invalid cron expression naming schedule, and says OnCalendar is not supported', () => {
    expect(domainErrorOf(() => parseCheckSpec({ schedule: '61 * * * *' }, 'UTC'))).toMatchObject({
      kind: 'invalid',
      code: 'invalid_schedule',
      field: 'schedule',
    });
    expect(domainErrorOf(() => parseCheckSpec({ schedule: '61 * * * *' }, 'UTC')).message).toMatch(/minute/);
    expect(domainErrorOf(() => parseCheckSpec({ schedule: 'Mon *-*-* 03:00' }, 'UTC')).message).toMatch(/not OnCalendar/);
  });

  it('stores a deprecated zone name as its current one, as Healthchecks does', () => {
    expect(parseCheckSpec({ tz: 'Europe/Kiev' }, 'UTC')).toEqual({ timezone: 'Europe/Kyiv' });
    expect(parseCheckSpec({ tz: 'US/Pacific', schedule: '0 3 * * *' }, 'UTC')).toMatchObject({ timezone: 'America/Los_Angeles' });
    expect(parseCheckSpec({ tz: 'UTC' }, 'UTC')).toEqual({ timezone: 'UTC' });
  });

  it('refuses an unknown time zone naming tz', () => {
    expect(domainErrorOf(() => parseCheckSpec({ tz: 'Mars/Olympus' }, 'UTC'))).toMatchObject({ code: 'invalid_tz', field: 'tz' });
  });

  it('accepts the fields Vigil does not model only with the value that means off', () => {
    expect(parseCheckSpec({ methods: '', subject: '', success_kw: '', filter_body: false, filter_http_body: false }, 'UTC')).toEqual({});
    expect(domainErrorOf(() => parseCheckSpec({ methods: 'POST' }, 'UTC'))).toMatchObject({ code: 'unsupported_field', field: 'methods' });
    expect(domainErrorOf(() => parseCheckSpec({ success_kw: 'SUCCESS' }, 'UTC'))).toMatchObject({ code: 'unsupported_field', field: 'success_kw' });
    expect(domainErrorOf(() => parseCheckSpec({ filter_default_fail: true }, 'UTC'))).toMatchObject({
      code: 'unsupported_field',
      field: 'filter_default_fail',
    });
  });

  it('normalizes cron whitespace and accepts aliases', () => {
    expect(normalizeCron('@daily', 'UTC')).toBe('@daily');
    expect(normalizeCron('*/5\t*  * * *', 'UTC')).toBe('*/5 * * * *');
  });
});

describe('tags', () => {
  it('splits tags on spaces', () => {
    expect(tagList(' prod  db ')).toEqual(['prod', 'db']);
    expect(tagList('')).toEqual([]);
  });
});

describe('CHECK_SPEC (the create and update body schema): Healthchecks bounds, field named', () => {
  const validator = new RequestValidator({ summary: 't', auth: 'api-key', body: { schema: CHECK_SPEC }, response: { status: 200, description: 'ok' } });

  it('refuses timeout and grace out of bounds or not whole minutes', () => {
    expect(domainErrorOf(() => validator.body({ timeout: 59 }))).toMatchObject({ code: 'invalid_timeout', field: 'timeout', message: 'timeout must be >= 60' });
    expect(domainErrorOf(() => validator.body({ timeout: 31_536_060 }))).toMatchObject({ field: 'timeout', message: 'timeout must be <= 31536000' });
    expect(domainErrorOf(() => validator.body({ timeout: 90 }))).toMatchObject({ field: 'timeout', message: 'timeout must be a multiple of 60' });
    expect(domainErrorOf(() => validator.body({ grace: 30 }))).toMatchObject({ code: 'invalid_grace', field: 'grace', message: 'grace must be >= 60' });
    expect(domainErrorOf(() => validator.body({ grace: 31_536_000 }))).toMatchObject({ field: 'grace', message: 'grace must be <= 2419200' });
  });

  it('accepts the fields Vigil does not model only with the value that means off', () => {
    expect(domainErrorOf(() => validator.body({ success_kw: 'OK' }))).toMatchObject({ field: 'success_kw', message: 'success_kw must be one of ""' });
    expect(domainErrorOf(() => validator.body({ methods: 'POST' }))).toMatchObject({ field: 'methods' });
    expect(domainErrorOf(() => validator.body({ filter_http_body: true }))).toMatchObject({ field: 'filter_http_body' });
    expect(validator.body({ success_kw: '', methods: '', filter_http_body: false })).toEqual({ success_kw: '', methods: '', filter_http_body: false });
  });

  it('refuses NUL characters in text, which Postgres cannot store', () => {
    expect(domainErrorOf(() => validator.body({ desc: 'a\u0000b' }))).toMatchObject({ field: 'desc', message: 'desc must not contain NUL characters' });
  });

  it('refuses wrong types, nulls and unknown unique fields', () => {
    expect(domainErrorOf(() => validator.body({ timeout: '3600' }))).toMatchObject({ field: 'timeout', message: 'timeout must be an integer' });
    expect(domainErrorOf(() => validator.body({ name: null }))).toMatchObject({ field: 'name' });
    expect(domainErrorOf(() => validator.body({ unique: ['desc'] }))).toMatchObject({ field: 'unique[0]' });
    expect(domainErrorOf(() => validator.body({ slug: 'Has Spaces' }))).toMatchObject({ field: 'slug' });
    expect(domainErrorOf(() => validator.body({ slug: '2024' }))).toMatchObject({ field: 'slug' });
    expect(validator.body({ slug: '' })).toEqual({ slug: '' });
  });

  it('lets fields it does not know through, as Healthchecks ignores them (the handler reads only CHECK_SPEC_FIELDS)', () => {
    expect(validator.body({ name: 'n', colour: 'red', nested: { a: null }, nul: 'a\u0000b' })).toEqual({
      name: 'n',
      colour: 'red',
      nested: { a: null },
      nul: 'a\u0000b',
    });
    expect(CHECK_SPEC_FIELDS).toContain('timeout');
    expect(CHECK_SPEC_FIELDS).not.toContain('colour');
  });

  it('refuses an integer written as a float, by its literal (3600.0 parses to 3600)', () => {
    const strict = new RequestValidator({
      summary: 's',
      auth: 'api-key',
      body: { schema: CHECK_SPEC, integersAsWritten: true },
      response: { status: 200, description: 'd' },
    });
    const parsed = (text: string): unknown => {
      const body = JSON.parse(text) as unknown;
      markFractionMembers(body, text);
      return body;
    };
    expect(domainErrorOf(() => strict.body(parsed('{"timeout": 3600.0}')))).toMatchObject({
      code: 'invalid_timeout',
      field: 'timeout',
      message: 'timeout must be an integer, written without a fraction or an exponent',
    });
    expect(domainErrorOf(() => strict.body(parsed('{"grace": 6e1}')))).toMatchObject({ field: 'grace' });
    expect(strict.body(parsed('{"timeout": 3600, "desc": "1.5", "name": "2.0"}'))).toEqual({ timeout: 3600, desc: '1.5', name: '2.0' });
    // Without the flag (Sentry-shaped endpoints) the value is what counts.
    expect(validator.body(parsed('{"timeout": 3600.0}'))).toEqual({ timeout: 3600 });
  });

  it('accepts a full Healthchecks body', () => {
    const body = {
      api_key: 'k',
      name: 'n',
      slug: 's',
      tags: 't',
      desc: 'd',
      timeout: 3600,
      grace: 60,
      manual_resume: false,
      methods: '',
      channels: '*',
      unique: ['name', 'slug'],
    };
    expect(validator.body(body)).toEqual(body);
  });
});
