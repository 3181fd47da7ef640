import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { redactUrl } from '@vigil/logging';

export const QUIET_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Which requests get a log line: every request (the default), or only those answered 4xx/5xx, for services
 * whose hot path takes thousands of requests a second (ingest), where a line and a child logger per
 * request cost more than the request.
 */
export type RequestLogMode = 'every-request' | 'failures';

/**
 * nestjs-pino wired to the process logger: one JSON line per request, health probes not logged, URLs redacted.
 * Refused requests (4xx) are not logged here but counted by the RefusalLog (see service-core.module.ts).
 */
export function loggingModule(logger: Logger, mode: RequestLogMode = 'every-request'): DynamicModule {
  return LoggerModule.forRoot({
    // No middleware at all in 'failures' mode: FailedRequestLog logs from a Fastify hook instead.
    ...(mode === 'failures' ? { forRoutes: [] } : {}),
    pinoHttp: {
      logger,
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has((req.url ?? '').split('?')[0] ?? '') },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url ?? ''),
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: () => ({}),
      customLogLevel: (_req: IncomingMessage, res: { statusCode?: number }, error?: Error) =>
        error || (res.statusCode ?? 0) >= 500 ? 'error' : (res.statusCode ?? 0) >= 400 ? 'silent' : 'info',
    },
  });
}
