import type { INestApplication, Type } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The OpenAPI 3 document of the API, generated from the controllers' `@Endpoint` declarations. Served at
 * /api/openapi.json and committed as docs/openapi.json (`node services/api/dist/cli/export-openapi.js`).
 */
/** `apiModule`: the module whose controllers are the API (health probes and other shared controllers are left out). */
export function buildOpenApiDocument(app: INestApplication, apiModule: Type<unknown>): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Vigil API')
    .setDescription(
      'Management and read API of Vigil. Sentry-shaped endpoints (`/api/0/...`) take an organization token as `Authorization: Bearer <token>`; ' +
        'Healthchecks-shaped endpoints (`/api/v3/...`) take a project API key as `X-Api-Key`. Every error is JSON: ' +
        '`{"error": {"code", "message", "field"}}` with a stable code and the field at fault.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An organization API token.' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A project API key.' }, 'api_key')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    include: [apiModule],
    operationIdFactory: (controllerKey: string, methodKey: string) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  const undeclared = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { summary?: string }>)
      .filter(([, operation]) => typeof operation === 'object' && operation !== null && !operation.summary)
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
  if (undeclared.length > 0) throw new Error(`every endpoint needs an @Endpoint declaration; missing on ${undeclared.join(', ')}`);
  compileEverySchema(document);
  return sorted(document) as OpenAPIObject;
}

/** Every schema in the document compiles with ajv, as the request validator and the tests compile them: a bad one fails the build of the document, not a request. */
function compileEverySchema(document: OpenAPIObject): void {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Record<string, unknown>>)) {
      const schemas: unknown[] = [];
      const collect = (content: unknown): void => {
        for (const media of Object.values((content ?? {}) as Record<string, { schema?: unknown }>)) if (media.schema) schemas.push(media.schema);
      };
      collect((operation['requestBody'] as { content?: unknown } | undefined)?.content);
      for (const response of Object.values((operation['responses'] ?? {}) as Record<string, { content?: unknown }>)) collect(response.content);
      for (const parameter of (operation['parameters'] ?? []) as Array<{ schema?: unknown }>) if (parameter.schema) schemas.push(parameter.schema);
      for (const schema of schemas) {
        try {
          ajv.compile(schema as object);
        } catch (error) {
          throw new Error(`${method.toUpperCase()} ${path}: a schema does not compile: ${(error as Error).message}`);
        }
      }
    }
  }
}

/** Keys in a stable order, so the committed document changes only when the API does. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const isPathsOrProperties = entries.every(([key]) => key.startsWith('/'));
  const ordered = isPathsOrProperties ? entries.sort(([a], [b]) => a.localeCompare(b)) : entries;
  return Object.fromEntries(ordered.map(([key, entry]) => [key, sorted(entry)]));
}
