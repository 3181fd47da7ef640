import { PER_PAGE } from './json-schema';

/** Path and query parameters many endpoints share, described once. */
export const ORG_PARAM = { org: { description: 'The organization slug.' } };
export const PROJECT_PARAMS = { ...ORG_PARAM, project: { description: 'The project slug, or its numeric id.' } };
export const PER_PAGE_QUERY = { per_page: { description: 'Items per page, 1 to 100 (default 100).', schema: PER_PAGE } };
