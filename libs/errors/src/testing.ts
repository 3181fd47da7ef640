import { DomainError } from './domain-error';

/**
 * For unit tests: the DomainError `run` throws, to assert its kind, code, field and message. Any other error
 * is thrown on, and returning normally fails the test. No other import, so a spec loads nothing else.
 */
export function domainErrorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}
