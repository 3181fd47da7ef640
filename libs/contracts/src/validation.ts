import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { TOPICS, type TopicName, type TopicPayloads } from './topics';

/** A message that does not match its topic's schema. `field` is a JSON pointer, `rule` the schema keyword. */
export class ContractViolationError extends Error {
  constructor(
    readonly topic: TopicName,
    readonly field: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`${topic}: ${field || '(message)'} ${detail} (rule: ${rule})`);
    this.name = 'ContractViolationError';
  }
}

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = new Map<TopicName, ValidateFunction>();

function validatorFor<T extends TopicName>(topic: T): ValidateFunction<TopicPayloads[T]> {
  let validate = validators.get(topic);
  if (!validate) {
    validate = ajv.compile(TOPICS[topic].schema);
    validators.set(topic, validate);
  }
  return validate as ValidateFunction<TopicPayloads[T]>;
}

function toViolation(topic: TopicName, error: ErrorObject | undefined): ContractViolationError {
  if (!error) return new ContractViolationError(topic, '', 'unknown', 'is invalid');
  const missing = error.keyword === 'required' ? `/${String(error.params['missingProperty'])}` : '';
  const extra = error.keyword === 'additionalProperties' ? `/${String(error.params['additionalProperty'])}` : '';
  const field = `${error.instancePath}${missing}${extra}`;
  const detail = error.keyword === 'required' ? 'is required' : error.keyword === 'additionalProperties' ? 'is not allowed' : (error.message ?? 'is invalid');
  return new ContractViolationError(topic, field, error.keyword, detail);
}

/** Checks an already-parsed value against the topic's schema. */
export function assertPayload<T extends TopicName>(topic: T, value: unknown): asserts value is TopicPayloads[T] {
  const validate = validatorFor(topic);
  if (!validate(value)) throw toViolation(topic, validate.errors?.[0]);
}

/** Parses and validates a message as read from Kafka. */
export function decodeMessage<T extends TopicName>(topic: T, raw: Buffer | string): TopicPayloads[T] {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new ContractViolationError(topic, '', 'json', 'is not valid JSON');
  }
  assertPayload(topic, value);
  return value;
}

/** Validates and serializes a message for Kafka, so nothing malformed is ever produced. */
export function encodeMessage<T extends TopicName>(topic: T, payload: TopicPayloads[T]): string {
  assertPayload(topic, payload);
  return JSON.stringify(payload);
}
