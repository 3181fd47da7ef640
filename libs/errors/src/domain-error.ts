/**
 * What went wrong, in domain terms. Domain code throws these; only the HTTP edge turns a kind into a
 * status code, so the same error means the same thing inside a Kafka consumer.
 */
export const ERROR_KINDS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
} as const;
export type ErrorKind = keyof typeof ERROR_KINDS;

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable, machine-readable: `invalid_status`, `unknown_key`, ... */
    readonly code: string,
    message: string,
    /** The request field at fault, as the client named it, when there is one. */
    readonly field?: string,
    /** For `rate_limited` and `unavailable`: when a retry may succeed (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function errorBody(error: DomainError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}
