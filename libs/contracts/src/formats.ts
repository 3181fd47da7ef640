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
