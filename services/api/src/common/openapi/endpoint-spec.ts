import { ERROR_KINDS, type ErrorKind } from '@vigil/errors';
import type { JsonSchema } from './json-schema';

export const ENDPOINT_SPEC = 'vigil:endpoint-spec';

/** How an endpoint authenticates: an organization token (`Authorization: Bearer`), a project API key (`X-Api-Key`), or not at all. */
export type EndpointAuth = 'bearer' | 'api-key' | 'public';

export interface EndpointSpec {
  summary: string;
  description?: string;
  auth: EndpointAuth;
  /** Path parameters, by the name in the route (`:org` → `org`). */
  params?: Record<string, { description: string; schema?: JsonSchema }>;
  /** Query parameters; validated (with type coercion and defaults) before the handler runs. Unknown ones are ignored. */
  query?: Record<string, { description: string; schema: JsonSchema; required?: boolean }>;
  /** The JSON body; validated before the handler runs. */
  body?: {
    schema: JsonSchema;
    description?: string;
    required?: boolean;
    /** Integer fields must be written as integers: `3600.0` is refused though it parses to 3600 (Healthchecks' rule). */
    integersAsWritten?: boolean;
  };
  /** The success answer; `contentType` when it is not JSON (the schema then describes the text). */
  response: {
    status: number;
    description: string;
    schema?: JsonSchema;
    headers?: Record<string, { description: string; schema: JsonSchema }>;
    /** OpenAPI links: which operations take a value of this answer (`{ operationId, parameters: { id: '$response.body#/id' } }`). */
    links?: Record<string, { operationId: string; parameters: Record<string, string>; description?: string }>;
    contentType?: string;
  };
  /**
   * A list the handler returns whole, answered a page at a time like every other list (`per_page`, `cursor`, the
   * `Link` header; `withListPaging`). For small collections (projects, keys, members); big lists page in their queries.
   */
  paged?: boolean;
  /** Other success answers the handler chooses between (Healthchecks' upsert: 201 created, 200 matched). */
  otherResponses?: Array<{ status: number; description: string; schema?: JsonSchema }>;
  /** Error answers beyond those every endpoint of its kind can give (see `impliedErrors`). */
  errors?: ErrorKind[];
}

export const ERROR_DESCRIPTIONS: Record<ErrorKind, string> = {
  invalid: 'A field breaks a rule: the body names the field and the rule.',
  unauthorized: 'No credential, or one that is not valid or was revoked.',
  forbidden: 'The credential may not do this (a read-only token or role, for example).',
  not_found: 'No such organization, project or object for this credential.',
  conflict: 'The change conflicts with existing data (a duplicate slug, for example).',
  too_large: 'The request body is larger than the API accepts.',
  rate_limited: 'Too many requests; retry after the Retry-After header.',
  unavailable: 'A store the API needs is unavailable; retry later.',
};

/** What any endpoint with these traits can answer besides its own errors. */
export function impliedErrors(spec: EndpointSpec): ErrorKind[] {
  const kinds = new Set<ErrorKind>(spec.errors ?? []);
  if (spec.auth !== 'public') {
    kinds.add('unauthorized');
    kinds.add('forbidden');
    kinds.add('not_found');
  }
  if (spec.params && Object.keys(spec.params).length > 0) kinds.add('not_found');
  if (spec.query || spec.body) kinds.add('invalid');
  if (spec.body) kinds.add('too_large');
  return [...kinds].sort((a, b) => ERROR_KINDS[a] - ERROR_KINDS[b]);
}
