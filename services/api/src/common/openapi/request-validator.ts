import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DomainError } from '@vigil/errors';
import type { EndpointSpec } from './endpoint-spec';
import { objectOf, type JsonSchema } from './json-schema';
import { schemaErrorToDomainError } from './schema-errors';

const bodies = new Ajv({ allErrors: false, strict: false });
const queries = new Ajv({ allErrors: false, strict: false, coerceTypes: 'array', useDefaults: true });
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
    if (!this.queryCheck(query)) throw schemaErrorToDomainError(this.queryCheck.errors![0]!, 'query');
    return query;
  }

  /** The body when it matches the schema; a 400 naming the field otherwise. An endpoint without a body schema gets what was sent. */
  body(raw: unknown): unknown {
    if (!this.bodyCheck) return raw;
    if (raw === undefined || raw === null) {
      if (this.spec.body?.required === false) return raw;
      throw new DomainError('invalid', 'invalid_body', 'the request body must be a JSON object');
    }
    if (!this.bodyCheck(raw)) throw schemaErrorToDomainError(this.bodyCheck.errors![0]!, 'body');
    return raw;
  }
}
