import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DomainError } from '@vigil/errors';
import { unstorableText } from '@vigil/contracts';
import { writtenAsFraction } from '../json-literals';
import type { EndpointSpec } from './endpoint-spec';
import { objectOf, type JsonSchema } from './json-schema';
import { mostRelevantError, schemaErrorToDomainError } from './schema-errors';

// verbose: errors carry their schema, so a `oneOf` can be described by its `description` (`mostRelevantError`).
const bodies = new Ajv({ allErrors: false, strict: false, verbose: true });
const queries = new Ajv({ allErrors: false, strict: false, coerceTypes: 'array', useDefaults: true, verbose: true });
addFormats(bodies);
addFormats(queries);

/** The compiled request schemas of one endpoint. Pure: no Nest, so unit tests exercise it directly. */
export class RequestValidator {
  private readonly queryCheck: ValidateFunction | undefined;
  private readonly bodyCheck: ValidateFunction | undefined;

  constructor(private readonly spec: EndpointSpec) {
    if (spec.query) {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, param] of Object.entries(spec.query)) {
        properties[name] = param.schema;
        if (param.required) required.push(name);
      }
      // Unknown query parameters are ignored, as Sentry and Healthchecks do: clients send their own (`cursor`, cache busters).
      this.queryCheck = queries.compile({ ...objectOf(properties, required), additionalProperties: true });
    }
    if (spec.body) this.bodyCheck = bodies.compile(spec.body.schema);
  }

  /** The query with its declared parameters coerced to their types and defaults filled in; a 400 otherwise. */
  query(raw: unknown): Record<string, unknown> {
    const query: Record<string, unknown> = { ...((raw ?? {}) as Record<string, unknown>) };
    if (!this.queryCheck) return query;
    if (!this.queryCheck(query)) throw schemaErrorToDomainError(mostRelevantError(this.queryCheck.errors!), 'query');
    refuseNul(query, '');
    return query;
  }

  /** The body when it matches the schema; a 400 naming the field otherwise. An endpoint without a body schema gets what was sent. */
  body(raw: unknown): unknown {
    if (!this.bodyCheck) return raw;
    // No body at all is what an optional body may be; a JSON `null` is a body, and not an object.
    if (raw === undefined || (raw === null && this.spec.body?.required !== false)) {
      if (this.spec.body?.required === false) return raw;
      throw new DomainError('invalid', 'invalid_body', 'the request body must be a JSON object');
    }
    if (!this.bodyCheck(raw)) throw schemaErrorToDomainError(mostRelevantError(this.bodyCheck.errors!), 'body');
    if (this.spec.body?.integersAsWritten) refuseFractionLiterals(raw, this.spec.body.schema);
    refuseNul(declaredPart(raw, this.spec.body!.schema), '');
    return raw;
  }
}

/** The fields a schema declares, where it lets others through to be ignored (those are never stored, so never checked). */
function declaredPart(body: unknown, schema: JsonSchema): unknown {
  if (schema.additionalProperties !== true || !schema.properties || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => Object.prototype.hasOwnProperty.call(schema.properties, name)));
}

/** A top-level integer field written with a fraction or an exponent (`3600.0`, `36e2`) is a 400 naming it. */
function refuseFractionLiterals(body: unknown, schema: JsonSchema): void {
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if ((property as JsonSchema).type === 'integer' && writtenAsFraction(body, name)) {
      throw new DomainError('invalid', `invalid_${name}`, `${name} must be an integer, written without a fraction or an exponent`, name);
    }
  }
}

/**
 * Postgres text cannot hold a NUL character (JSON allows `\u0000`), nor is a lone surrogate (`\ud800`) text: a
 * string with either is a 400 naming the field here, not a failed insert later.
 */
function refuseNul(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem !== null) {
      const what = problem === 'nul' ? 'NUL characters' : 'lone UTF-16 surrogates (text that is not Unicode)';
      throw new DomainError('invalid', 'invalid_text', `${path || 'the value'} must not contain ${what}`, path || undefined);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => refuseNul(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) refuseNul(item, path === '' ? key : `${path}.${key}`);
  }
}
