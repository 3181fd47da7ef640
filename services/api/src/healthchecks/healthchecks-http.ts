import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import { markFractionMembers } from '../common/json-literals';

/**
 * The routes of the Healthchecks-shaped API and the methods each answers, as Healthchecks declares them: every
 * answer of these routes carries its CORS headers, an `OPTIONS` preflight is a 204, and another method is a 405
 * (not the 404 of a path that does not exist). `status/` is Healthchecks' liveness probe and has no CORS.
 * A unit test holds this table to the OpenAPI document, so a route added to the controller is added here.
 */
export const HEALTHCHECKS_ROUTES: ReadonlyArray<{ path: RegExp; methods: readonly string[]; cors: boolean }> = [
  { path: /^\/api\/v3\/checks$/, methods: ['GET', 'POST'], cors: true },
  { path: /^\/api\/v3\/checks\/[^/]+$/, methods: ['GET', 'POST', 'DELETE'], cors: true },
  { path: /^\/api\/v3\/checks\/[^/]+\/(?:pause|resume)$/, methods: ['POST'], cors: true },
  { path: /^\/api\/v3\/checks\/[^/]+\/pings$/, methods: ['GET'], cors: true },
  { path: /^\/api\/v3\/checks\/[^/]+\/pings\/[^/]+\/body$/, methods: ['GET'], cors: true },
  { path: /^\/api\/v3\/checks\/[^/]+\/flips$/, methods: ['GET'], cors: true },
  { path: /^\/api\/v3\/channels$/, methods: ['GET'], cors: true },
  { path: /^\/api\/v3\/status$/, methods: ['GET'], cors: false },
];

const PREFIX = '/api/v3/';

/** The route of a request path (query string and one trailing slash ignored, as the router ignores them). */
export function healthchecksRoute(url: string): (typeof HEALTHCHECKS_ROUTES)[number] | undefined {
  if (!url.startsWith(PREFIX)) return undefined;
  const path = url.split('?', 1)[0]!.replace(/\/$/, '');
  return HEALTHCHECKS_ROUTES.find((route) => route.path.test(path));
}

function corsHeaders(reply: FastifyReply, methods: readonly string[]): void {
  void reply
    .header('access-control-allow-origin', '*')
    .header('access-control-allow-headers', 'X-Api-Key')
    .header('access-control-allow-methods', [...methods, 'OPTIONS'].join(', '))
    .header('access-control-max-age', '600');
}

type Done = (error: Error | null, body?: unknown) => void;
/** Fastify's default JSON parser is the callback form (it calls `done` synchronously); its type is the union of both forms. */
type CallbackJsonParser = (request: FastifyRequest, body: string, done: Done) => void;

/**
 * Healthchecks' HTTP manners on `/api/v3/`, around the Nest routes:
 * - CORS on every answer, `OPTIONS` → 204 and a method the route does not take → 405, before anything else runs;
 * - a POST body is read as JSON whatever its Content-Type (Healthchecks' own examples send `curl --data`, which
 *   says form-encoded), and an empty one is no body, so a request without a key is a 401 rather than a 400;
 * - every JSON body remembers which numbers were written as fractions (`3600.0`), which Healthchecks refuses for
 *   its integer fields (`integersAsWritten`).
 * Other routes keep Fastify's and Nest's handling, except that a form-encoded body is a 415 under `/api/` (no API
 * route takes one); elsewhere it is a dashboard form.
 */
export function registerHealthchecksHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = healthchecksRoute(request.url);
    if (!route) return;
    if (route.cors) corsHeaders(reply, route.methods);
    if (request.method === 'OPTIONS' && route.cors) {
      await reply.status(204).send();
      return reply;
    }
    const allowed = request.method === 'HEAD' ? route.methods.includes('GET') : route.methods.includes(request.method);
    if (!allowed) {
      await reply
        .status(405)
        .header('allow', route.methods.join(', '))
        .send({ error: { code: 'method_not_allowed', message: `${request.method} is not allowed here; use ${route.methods.join(' or ')}` } });
      return reply;
    }
    return undefined;
  });

  const json = fastify.getDefaultJsonParser('error', 'error') as CallbackJsonParser;
  const parseJson = (request: FastifyRequest, body: Buffer, done: Done): void => {
    const text = body.toString('utf8');
    if (request.url.startsWith(PREFIX) && text.trim() === '') {
      done(null, undefined);
      return;
    }
    json(request, text, (error: Error | null, value?: unknown) => {
      if (!error) markFractionMembers(value, text);
      done(error, value);
    });
  };
  const { bodyLimit } = fastify.initialConfig;
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, parseJson);
  app.useBodyParser<RawServerDefault>('application/x-www-form-urlencoded', { bodyLimit }, (request, body, done) => {
    if (request.url.startsWith(PREFIX)) {
      parseJson(request, body, done);
      return;
    }
    if (!request.url.startsWith('/api/')) {
      // The dashboard's forms (services/api/src/web): fields by name, the last value of a repeated one.
      done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
      return;
    }
    done(
      Object.assign(new Error(`Unsupported Media Type: application/x-www-form-urlencoded; send JSON`), {
        statusCode: 415,
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      }),
      undefined,
    );
  });
  app.useBodyParser<RawServerDefault>('text/plain', { bodyLimit }, (request, body, done) => {
    if (request.url.startsWith(PREFIX)) {
      parseJson(request, body, done);
      return;
    }
    done(null, body.toString('utf8'));
  });
}
