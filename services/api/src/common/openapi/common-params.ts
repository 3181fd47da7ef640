import { PER_PAGE } from './json-schema';

/** Path and query parameters many endpoints share, described once. */
export const ORG_PARAM = { org: { description: 'The organization slug.' } };
export const PROJECT_PARAMS = { ...ORG_PARAM, project: { description: 'The project slug, or its numeric id.' } };
export const PER_PAGE_QUERY = { per_page: { description: 'Items per page, 1 to 100 (default 100).', schema: PER_PAGE } };

/**
 * Links from an answer to the operations that take one of its values as a path parameter (`param`), with the same
 * path parameters otherwise (`org`, and `project` where the operations have it).
 */
export function linksByValue(
  param: string,
  value: string,
  operations: Record<string, string>,
  samePath: readonly string[] = ['org'],
): Record<string, { operationId: string; parameters: Record<string, string> }> {
  const parameters: Record<string, string> = { [param]: value };
  for (const name of samePath) parameters[name] = `$request.path.${name}`;
  return Object.fromEntries(Object.entries(operations).map(([name, operationId]) => [name, { operationId, parameters }]));
}

/** Links from an answer carrying `id` to the operations that take it as their `id` path parameter (with the same `org`). */
export function linksById(operations: Record<string, string>): Record<string, { operationId: string; parameters: Record<string, string> }> {
  return Object.fromEntries(
    Object.entries(operations).map(([name, operationId]) => [name, { operationId, parameters: { org: '$request.path.org', id: '$response.body#/id' } }]),
  );
}
