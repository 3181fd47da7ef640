import { domainErrorOf } from '@vigil/errors/testing';
import { parseApiTokenCreate } from '../api-tokens/api-token-input';
import { isSlug, slugify } from '../common/slug';
import { parseMemberCreate, parseMemberUpdate } from '../members/member-input';
import { parseKeyCreate } from '../project-keys/project-key-input';
import { parseProjectCreate } from '../projects/project-input';
import { parseTeamCreate } from '../teams/team-input';

describe('slugs', () => {
  it.each([
    ['backend', true],
    ['data_platform-2', true],
    ['-', true],
    ['12345', false],
    ['Backend', false],
    ['with space', false],
    ['', false],
    ['a'.repeat(50), true],
    ['a'.repeat(51), false],
  ])('%j is a slug: %s', (value, expected) => {
    expect(isSlug(value)).toBe(expected);
  });

  it('are made from names as Sentry makes them', () => {
    expect(slugify('Billing Jobs')).toBe('billing-jobs');
    expect(slugify('  Über Größe!  ')).toBe('uber-groe');
    expect(slugify('Nightly: backups & reports')).toBe('nightly-backups-reports');
    expect(slugify('2024')).toBeNull();
    expect(slugify('!!!')).toBeNull();
    expect(slugify(`${'a'.repeat(49)} b`)).toBe('a'.repeat(49));
  });
});

describe('bodies', () => {
  it('a project takes a name and makes its slug, or takes both', () => {
    expect(parseProjectCreate({ name: ' Billing ' })).toEqual({ name: 'Billing', slug: 'billing' });
    expect(parseProjectCreate({ name: 'Billing', slug: 'bill' })).toEqual({ name: 'Billing', slug: 'bill' });
    expect(domainErrorOf(() => parseProjectCreate({ name: '1999' })).field).toBe('slug');
    expect(domainErrorOf(() => parseProjectCreate({ name: '   ' })).field).toBe('name');
  });

  it('a member has a lower-cased address, its name defaulting to it and its role to member', () => {
    expect(parseMemberCreate({ email: 'Ada@Example.COM' })).toEqual({ email: 'ada@example.com', name: 'ada@example.com', role: 'member' });
    expect(domainErrorOf(() => parseMemberCreate({ email: 'ada' })).field).toBe('email');
    expect(domainErrorOf(() => parseMemberCreate({ email: 'ada@example.com', role: 'manager' })).field).toBe('role');
    expect(parseMemberUpdate({ role: 'read-only' })).toEqual({ role: 'read-only' });
  });

  it('a token needs a name and a scope; a member only by id', () => {
    expect(parseApiTokenCreate({ name: 'ci', scope: 'read' })).toEqual({ name: 'ci', scope: 'read' });
    expect(parseApiTokenCreate({ name: 'ci', scope: 'write', member: 'A0000000-0000-4000-8000-00000000000A' })).toEqual({
      name: 'ci',
      scope: 'write',
      member: 'a0000000-0000-4000-8000-00000000000a',
    });
    expect(domainErrorOf(() => parseApiTokenCreate({ name: 'ci', scope: 'admin' })).field).toBe('scope');
    expect(domainErrorOf(() => parseApiTokenCreate({ name: 'ci', scope: 'read', member: 'ada' })).field).toBe('member');
  });

  it('a key may come without a body; a team needs a slug or a name', () => {
    expect(parseKeyCreate(undefined)).toEqual({ name: 'Default' });
    expect(parseTeamCreate({ name: 'Data Platform' })).toEqual({ slug: 'data-platform', name: 'Data Platform' });
    expect(parseTeamCreate({ slug: 'sre' })).toEqual({ slug: 'sre', name: 'sre' });
    expect(domainErrorOf(() => parseTeamCreate({})).field).toBe('slug');
  });
});
