import Ajv from 'ajv';
import { nullable } from '../json-schema';

describe('nullable', () => {
  const ajv = new Ajv({ strict: false });

  it('lets null through an enum (OpenAPI 3.0.3: nullable does not lift an enum)', () => {
    const validate = ajv.compile(nullable({ type: 'string', enum: ['ok', 'error'] }));
    expect([validate(null), validate('ok'), validate('late')]).toEqual([true, true, false]);
  });

  it('lets null through the first branch of a oneOf, and through a plain type', () => {
    const oneOf = ajv.compile(nullable({ oneOf: [{ type: 'string', enum: ['a'] }, { type: 'integer' }] }));
    expect([oneOf(null), oneOf('a'), oneOf(3), oneOf('b')]).toEqual([true, true, true, false]);
    const plain = ajv.compile(nullable({ type: 'integer' }));
    expect([plain(null), plain(1), plain('1')]).toEqual([true, true, false]);
  });
});
