import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from './record-checkins.usecase';

/**
 * The client's address (Fastify takes X-Forwarded-For only from VIGIL_TRUSTED_PROXIES) and user agent. Both are
 * storable text as they come: Node's HTTP parser refuses a NUL in a header (400 before any route), and header
 * values are read as Latin-1, which has no surrogates.
 */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return { remoteAddr: request.ip || null, userAgent: typeof agent === 'string' && agent !== '' ? agent : null };
}
