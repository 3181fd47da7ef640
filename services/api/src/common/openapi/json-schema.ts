import type { SchemaObject } from '@nestjs/swagger';
import { NO_NUL_PATTERN } from '../postgres-text';

/**
 * The JSON Schemas of requests and responses. They are written once, next to the endpoint that uses them: the
 * OpenAPI document shows them and ajv enforces the request ones (`@Endpoint`). Plain OpenAPI 3.0 schema objects,
 * kept to the subset ajv understands (`nullable` included).
 */
export type JsonSchema = SchemaObject;

/** An object with exactly these properties: unknown fields are refused, and `required` lists what must be there. */
export function objectOf(properties: Record<string, JsonSchema>, required: readonly string[] = [], description?: string): JsonSchema {
  return { type: 'object', properties, required: [...required], additionalProperties: false, ...(description ? { description } : {}) };
}

export function arrayOf(items: JsonSchema, description?: string): JsonSchema {
  return { type: 'array', items, ...(description ? { description } : {}) };
}

/**
 * The schema, or null. A `oneOf` takes null through its first branch: ajv wants `nullable` next to a `type`. An
 * `enum` lists null too: `nullable` does not lift it (OpenAPI 3.0.3), so ajv would refuse null otherwise.
 */
export function nullable(schema: JsonSchema): JsonSchema {
  if (schema.oneOf) {
    const [first, ...rest] = schema.oneOf as JsonSchema[];
    return { ...schema, oneOf: [nullable(first!), ...rest] };
  }
  return { ...schema, nullable: true, ...(schema.enum && !schema.enum.includes(null) ? { enum: [...(schema.enum as unknown[]), null] } : {}) };
}

/** Free text: any characters but NUL (Postgres text cannot hold it, JSON can), at most `maxLength`. */
export function text(maxLength?: number, description?: string): JsonSchema {
  return { type: 'string', pattern: NO_NUL_PATTERN, ...(maxLength === undefined ? {} : { maxLength }), ...(description ? { description } : {}) };
}

export const ISO_DATE_TIME: JsonSchema = { type: 'string', format: 'date-time' };
export const UUID: JsonSchema = { type: 'string', format: 'uuid' };
/** Numeric ids travel as strings, as in Sentry's API. */
export const ID_STRING: JsonSchema = { type: 'string', pattern: '^[0-9]+$' };

/** Every error answer: a stable code, a message naming the rule, and the field at fault when there is one. */
export const ERROR_SCHEMA: JsonSchema = objectOf(
  {
    error: objectOf(
      {
        code: { type: 'string', description: 'Stable, machine-readable: `invalid_schedule`, `unknown_monitor`, ...' },
        message: { type: 'string', description: 'What was wrong and the rule it broke, for people.' },
        field: { type: 'string', description: 'The request field at fault, as the client named it (`config.schedule`).' },
      },
      ['code', 'message'],
    ),
  },
  ['error'],
);

/** `per_page` of every list: 1 to 100, default 100. */
export const PER_PAGE: JsonSchema = { type: 'integer', minimum: 1, maximum: 100, default: 100, description: 'Items per page, 1 to 100.' };
