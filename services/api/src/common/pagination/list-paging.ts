import type { EndpointSpec } from '../openapi/endpoint-spec';
import { LINK_HEADER, PAGE_QUERY } from './pagination.schemas';

/** A `paged` endpoint's spec with what paging adds: the `per_page` and `cursor` parameters and the `Link` header. */
export function withListPaging(spec: EndpointSpec): EndpointSpec {
  if (!spec.paged) return spec;
  return {
    ...spec,
    query: { ...spec.query, ...PAGE_QUERY },
    response: { ...spec.response, headers: { ...spec.response.headers, ...LINK_HEADER } },
  };
}
