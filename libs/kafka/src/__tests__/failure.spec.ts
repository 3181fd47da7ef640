import { ContractViolationError } from '@vigil/contracts';
import { DomainError } from '@vigil/errors';
import { classifyFailure, describeFailure, StoreUnavailableError, UnprocessableMessageError } from '../failure';

/** An error as a driver builds it: a message and a few own fields. */
function driverError(message: string, extra: Record<string, unknown>, name = 'Error'): Error {
  const error = Object.assign(new Error(message), extra);
  error.name = name;
  return error;
}

describe('classifyFailure: the message at fault, or a store', () => {
  it.each([
    ['Postgres refuses a NUL byte (22021)', driverError('invalid byte sequence for encoding "UTF8": 0x00', { code: '22021' }, 'QueryFailedError')],
    ['Postgres refuses a lone surrogate in JSON (22P05)', driverError('unsupported Unicode escape sequence', { code: '22P05' })],
    ['a unique violation that outlives the retries (23505)', driverError('duplicate key value violates unique constraint', { code: '23505' })],
    ['typeorm wrapping the driver error', driverError('query failed', { driverError: { code: '22001', message: 'value too long' } }, 'QueryFailedError')],
    ['a ClickHouse parse error', driverError('Cannot parse input', { code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' })],
    ['Kafka refusing a record as too large', driverError('Message too large', { code: 'PLT_KFK_PROTOCOL', apiId: 'MESSAGE_TOO_LARGE' })],
    ['a message the handler declares unprocessable', new UnprocessableMessageError('no such monitor')],
    ['a contract the handler checks', new ContractViolationError('vigil.run-results.v1', '/environment', 'maxLength', 'is too long')],
    ['a DomainError that is not about availability', new DomainError('invalid', 'invalid_environment', 'environment is invalid')],
  ])('%s: rejected', (_what, error) => {
    expect(classifyFailure(error)).toBe('rejected');
  });

  it.each([
    ['Postgres refusing connections', driverError('connect ECONNREFUSED 127.0.0.1:5433', { code: 'ECONNREFUSED' })],
    ['Postgres shutting down (57P01)', driverError('terminating connection due to administrator command', { code: '57P01' })],
    ['a deadlock (40P01)', driverError('deadlock detected', { code: '40P01' })],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
    ['a connection that went away', new Error('Connection terminated unexpectedly')],
    ['a migration not run yet (42P01)', driverError('relation "issue_tracks" does not exist', { code: '42P01' })],
    ['ClickHouse overloaded (too many parts)', driverError('Too many parts', { code: '252' })],
    ['ClickHouse not answering', driverError('socket hang up', { code: 'ECONNRESET' })],
    ['Kafka unreachable for the producer', driverError('Connection closed', { code: 'PLT_KFK_NETWORK' })],
    ['Kafka errors inside an aggregate', new AggregateError([driverError('timed out', { code: 'PLT_KFK_TIMEOUT' })], 'Multiple errors')],
    ['a kafkajs error (a lost membership)', driverError('The coordinator is not aware of this member', { type: 'UNKNOWN_MEMBER_ID' }, 'KafkaJSProtocolError')],
    ['a handler saying so', new StoreUnavailableError('Postgres is down')],
    ['a DomainError unavailable', new DomainError('unavailable', 'store_unavailable', 'try later')],
    [
      'unavailable anywhere in the tree wins over a data error',
      Object.assign(driverError('batch failed', { code: '22021' }), { cause: driverError('gone', { code: 'ECONNRESET' }) }),
    ],
  ])('%s: unavailable (waited for, never dead-lettered)', (_what, error) => {
    expect(classifyFailure(error)).toBe('unavailable');
  });

  it('anything else is a failure no rule knows (dead-lettered after its attempts, with its own reason)', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'slot')"))).toBe('failed');
    expect(classifyFailure('a string')).toBe('failed');
    expect(classifyFailure(driverError('syntax error at or near', { code: '42601' }))).toBe('failed');
  });

  it('describes an error by its class, the first code in its tree and its message, cut to the contract', () => {
    expect(describeFailure(driverError('query failed', { driverError: { code: '22021' } }, 'QueryFailedError'))).toEqual({
      name: 'QueryFailedError',
      code: '22021',
      message: 'query failed',
    });
    expect(describeFailure(new Error('x'.repeat(5000))).message).toHaveLength(2048);
    expect(describeFailure(new Error('plain'))).toEqual({ name: 'Error', code: null, message: 'plain' });
  });
});
