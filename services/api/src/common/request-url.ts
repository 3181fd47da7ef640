import type { FastifyRequest } from 'fastify';

/** The URL the client asked for (scheme and host as it sent them), for links back into the API. */
export function requestUrl(request: FastifyRequest): URL {
  // An HTTP/1.0 request may come without a Host header.
  return new URL(request.url, `${request.protocol}://${request.host || 'localhost'}`);
}
