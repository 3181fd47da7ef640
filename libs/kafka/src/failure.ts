import { ContractViolationError } from '@vigil/contracts';

/**
 * What a consumer does about a handler's failure:
 * - `unavailable`: a store or Kafka cannot be reached (or is overloaded): nothing is wrong with the message, so
 *   the partition waits and tries again until the store answers, however long that takes. Never dead-lettered.
 * - `rejected`: the message cannot be applied (a Postgres data or constraint error, a ClickHouse parse or type
 *   error, a message the handler declares unprocessable): retried a few times, then dead-lettered.
 * - `failed`: an error no rule knows (a bug meeting this data): treated like `rejected`, with its own reason.
 */
export type FailureKind = 'unavailable' | 'rejected' | 'failed';

/** Thrown by a handler for a message it will never be able to apply (the consumer dead-letters it). */
export class UnprocessableMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnprocessableMessageError';
  }
}

/** Thrown by a handler when something it needs is down (the consumer waits and tries again). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Node and undici network failures: the other side is not there (or went away). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ESOCKETTIMEDOUT',
]);

/**
 * SQLSTATE classes (the first two characters) meaning Postgres is unavailable, overloaded or being changed under
 * us: connection exceptions, transaction rollbacks (serialization, deadlock), insufficient resources, object not in
 * prerequisite state (lock not available), operator intervention (shutdown), system errors. Also 3D (no such
 * database) and 42P01 (no such table): a deployment not migrated yet, not a bad message.
 */
const POSTGRES_UNAVAILABLE_CLASSES = new Set(['08', '40', '53', '55', '57', '58', 'XX', '3D']);
/** Data exceptions (22: bad encoding, value out of range, invalid text) and integrity violations (23). */
const POSTGRES_REJECTED_CLASSES = new Set(['22', '23']);

/**
 * ClickHouse server codes meaning it is busy or unavailable (timeouts, too many queries or parts, memory, read-only
 * tables, network, unknown database or table: a deployment not migrated yet). Every other server code answers a
 * query it understood and refused: the data is at fault.
 */
const CLICKHOUSE_UNAVAILABLE_CODES = new Set([
  '3',
  '32',
  '60',
  '81',
  '159',
  '160',
  '164',
  '201',
  '202',
  '203',
  '209',
  '210',
  '236',
  '241',
  '242',
  '252',
  '279',
  '285',
  '319',
  '394',
  '425',
  '999',
]);

/** Kafka refusals that concern the record itself: retrying never helps. */
const KAFKA_REJECTED_PROTOCOL_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** Messages of driver errors that carry no code but mean the connection is gone. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection (is )?(closed|ended|lost)/i,
  /client has encountered a connection error/i,
  /socket hang up/i,
  /^timeout error/i,
  /driver not connected/i,
  /cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down)/i,
  /producer is shutting down/i,
];

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  apiId?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  driverError?: unknown;
}

function fields(error: unknown): ErrorFields | null {
  return typeof error === 'object' && error !== null ? error : null;
}

/** Every error in `error`'s tree: itself, its cause, a driver's error, the errors of an aggregate. */
function* tree(error: unknown, depth = 0): Generator<ErrorFields> {
  const current = fields(error);
  if (!current || depth > 5) return;
  yield current;
  if (current.driverError !== undefined) yield* tree(current.driverError, depth + 1);
  if (current.cause !== undefined) yield* tree(current.cause, depth + 1);
  if (Array.isArray(current.errors)) for (const inner of current.errors) yield* tree(inner, depth + 1);
}

function classifyOne(error: ErrorFields): FailureKind | null {
  if (error instanceof UnprocessableMessageError || error instanceof ContractViolationError) return 'rejected';
  if (error instanceof StoreUnavailableError) return 'unavailable';
  const name = typeof error.name === 'string' ? error.name : '';
  const code = typeof error.code === 'string' ? error.code : typeof error.code === 'number' ? String(error.code) : '';
  // A DomainError (libs/errors) says what it is.
  if (name === 'DomainError' && typeof error.kind === 'string') return error.kind === 'unavailable' ? 'unavailable' : 'rejected';
  if (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_')) return 'unavailable';
  if (code.startsWith('PLT_KFK_')) return typeof error.apiId === 'string' && KAFKA_REJECTED_PROTOCOL_ERRORS.has(error.apiId) ? 'rejected' : 'unavailable';
  if (name.startsWith('KafkaJS')) return 'unavailable';
  // A SQLSTATE is five digits or capitals; ClickHouse's codes are at most four digits.
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const sqlClass = code.slice(0, 2);
    if (POSTGRES_UNAVAILABLE_CLASSES.has(sqlClass) || code === '42P01') return 'unavailable';
    if (POSTGRES_REJECTED_CLASSES.has(sqlClass)) return 'rejected';
    return null;
  }
  if (/^\d{1,4}$/.test(code)) return CLICKHOUSE_UNAVAILABLE_CODES.has(code) ? 'unavailable' : 'rejected';
  const message = typeof error.message === 'string' ? error.message : '';
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return 'unavailable';
  return null;
}

/**
 * The one place that decides whether a handler's error is the message's fault or a store's. An error anywhere
 * in the tree (cause, driver error, aggregate) that says "unavailable" wins: a batch that failed because Postgres
 * went away must never be dead-lettered, whatever else went wrong with it.
 */
export function classifyFailure(error: unknown): FailureKind {
  let found: FailureKind | null = null;
  for (const node of tree(error)) {
    const kind = classifyOne(node);
    if (kind === 'unavailable') return 'unavailable';
    if (kind !== null && found === null) found = kind;
  }
  return found ?? 'failed';
}

/** The parts of an error a dead letter and a log line carry: its class, its code, its message (cut). */
export function describeFailure(error: unknown): { name: string; code: string | null; message: string } {
  const top = fields(error);
  let code: string | null = null;
  for (const node of tree(error)) {
    if (typeof node.code === 'string' || typeof node.code === 'number') {
      code = String(node.code).slice(0, 64);
      break;
    }
  }
  const name = typeof top?.name === 'string' ? top.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return { name: name.slice(0, 200), code, message: message.slice(0, 2048) };
}
