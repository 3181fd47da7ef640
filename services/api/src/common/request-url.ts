import type { FastifyRequest } from 'fastify';

/** The URL the client asked for (scheme and host as it sent them), for links back into the API. */
export function requestUrl(request: FastifyRequest): URL {
  return new URL(request.url, `${request.protocol}://${request.host}`);
}
