/** Lower-case canonical UUID, as every id in Vigil's messages is written. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * The shape of a topic's JSON schema, tied to its TypeScript type: every field of the message has exactly
 * one property schema, and `required` names only real fields. (ajv's JSONSchemaType cannot express
 * required-but-nullable fields, which these messages use for "absent" values.)
 */
export interface TopicSchema<T> {
  $id: string;
  type: 'object';
  additionalProperties: false;
  required: Array<keyof T & string>;
  properties: { [K in keyof T]-?: Record<string, unknown> };
}

/**
 * Text every store of Vigil can hold: Postgres `text` refuses NUL, and a lone UTF-16 surrogate (JSON allows
 * `"\ud800"`) is not a character at all: Postgres JSON refuses its escape and a UTF-8 encoder silently turns it
 * into U+FFFD. The edges refuse such strings, naming the field (`unstorableText`); what is recorded about a
 * refused request is cleaned with `toStorableText` instead.
 */
export type UnstorableText = 'nul' | 'lone_surrogate';

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;
// Code-unit matching (no `u` flag): a high surrogate not followed by a low one, or a low one not after a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What makes `value` unstorable, or null when it is fine. Costs one regular-expression test for plain text. */
export function unstorableText(value: string): UnstorableText | null {
  if (!SUSPECT.test(value)) return null;
  if (value.includes('\u0000')) return 'nul';
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(value) ? 'lone_surrogate' : null;
}

/** `value` with NUL characters and lone surrogates replaced by U+FFFD, for recording what was refused. */
export function toStorableText(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this replaces
  return SUSPECT.test(value) ? value.replace(/\u0000/g, '\ufffd').replace(LONE_SURROGATE, '\ufffd') : value;
}
