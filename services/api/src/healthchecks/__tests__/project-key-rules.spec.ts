import { domainErrorOf } from '@vigil/errors/testing';
import type { ProjectKeyGrant } from '../../project-api-keys/project-api-key.repository';
import { apiKeyOf, requireFittingKey } from '../project-key-rules';

const readWrite: ProjectKeyGrant = { keyId: 'k1', projectId: 1, organizationId: 'o', readOnly: false };
const readOnly: ProjectKeyGrant = { ...readWrite, keyId: 'k2', readOnly: true };

describe('apiKeyOf', () => {
  it('takes the key from X-Api-Key, or from api_key in the body where a read-write key is needed', () => {
    expect(apiKeyOf('rw', undefined, 'read')).toBe('rw');
    expect(apiKeyOf('header', { api_key: 'body' }, 'read-write')).toBe('header');
    expect(apiKeyOf(undefined, { api_key: 'rw', name: 'x' }, 'read-write')).toBe('rw');
  });

  it('refuses a missing key with 401, and reads no body key for reads', () => {
    expect(domainErrorOf(() => apiKeyOf(undefined, undefined, 'read'))).toMatchObject({ kind: 'unauthorized', code: 'missing_api_key', field: 'X-Api-Key' });
    expect(domainErrorOf(() => apiKeyOf('', { api_key: 42 }, 'read-write'))).toMatchObject({ code: 'missing_api_key' });
    expect(domainErrorOf(() => apiKeyOf(undefined, { api_key: 'rw' }, 'read'))).toMatchObject({ code: 'missing_api_key' });
  });
});

describe('requireFittingKey', () => {
  it('refuses an unknown or revoked key with 401', () => {
    expect(domainErrorOf(() => requireFittingKey(null, 'read'))).toMatchObject({ kind: 'unauthorized', code: 'invalid_api_key' });
  });

  it('lets a read-only key read and refuses it with 401 where a read-write key is needed', () => {
    expect(requireFittingKey(readOnly, 'read')).toBe(readOnly);
    expect(requireFittingKey(readWrite, 'read-write')).toBe(readWrite);
    expect(domainErrorOf(() => requireFittingKey(readOnly, 'read-write'))).toMatchObject({ kind: 'unauthorized', code: 'read_only_api_key' });
  });
});
