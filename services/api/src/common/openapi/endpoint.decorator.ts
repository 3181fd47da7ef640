import { applyDecorators, HttpCode, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ERROR_KINDS } from '@vigil/errors';
import { ENDPOINT_SPEC, ERROR_DESCRIPTIONS, impliedErrors, type EndpointSpec } from './endpoint-spec';
import { ERROR_SCHEMA } from './json-schema';
import { withListPaging } from '../pagination/list-paging';

/**
 * Declares an endpoint once: its OpenAPI operation (served at /api/openapi.json and in docs/openapi.json) and the
 * request schemas `RequestValidationInterceptor` enforces. Nothing about a request's shape is written twice.
 */
export function Endpoint(declared: EndpointSpec): MethodDecorator {
  const spec = withListPaging(declared);
  const decorators: Array<MethodDecorator | ClassDecorator> = [
    SetMetadata(ENDPOINT_SPEC, spec),
    HttpCode(spec.response.status),
    ApiOperation({ summary: spec.summary, ...(spec.description ? { description: spec.description } : {}) }),
    ApiResponse({
      status: spec.response.status,
      description: spec.response.description,
      ...(spec.response.schema
        ? spec.response.contentType
          ? { content: { [spec.response.contentType]: { schema: spec.response.schema } } }
          : { schema: spec.response.schema }
        : {}),
      ...(spec.response.headers ? { headers: spec.response.headers } : {}),
      ...(spec.response.links ? { links: spec.response.links } : {}),
    }),
  ];
  for (const other of spec.otherResponses ?? []) {
    decorators.push(ApiResponse({ status: other.status, description: other.description, ...(other.schema ? { schema: other.schema } : {}) }));
  }
  if (spec.auth === 'bearer') decorators.push(ApiBearerAuth('bearer'));
  if (spec.auth === 'api-key') decorators.push(ApiSecurity('api_key'));
  for (const [name, param] of Object.entries(spec.params ?? {})) {
    decorators.push(ApiParam({ name, description: param.description, schema: param.schema ?? { type: 'string' } }));
  }
  for (const [name, param] of Object.entries(spec.query ?? {})) {
    decorators.push(ApiQuery({ name, description: param.description, schema: param.schema, required: param.required ?? false }));
  }
  if (spec.body) {
    decorators.push(
      ApiBody({ schema: spec.body.schema, required: spec.body.required ?? true, ...(spec.body.description ? { description: spec.body.description } : {}) }),
    );
  }
  for (const kind of impliedErrors(spec)) {
    decorators.push(ApiResponse({ status: ERROR_KINDS[kind], description: ERROR_DESCRIPTIONS[kind], schema: ERROR_SCHEMA }));
  }
  if (spec.body)
    decorators.push(ApiResponse({ status: 415, description: 'The body is not JSON (send Content-Type: application/json).', schema: ERROR_SCHEMA }));
  return applyDecorators(...decorators);
}
