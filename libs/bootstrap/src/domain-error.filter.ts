import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@vigil/logging';
import type { FastifyReply } from 'fastify';
import { DomainError, ERROR_KINDS, errorBody } from '@vigil/errors';

/** The HTTP edge: domain errors become JSON with a stable code; anything unexpected is a logged 500. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof DomainError) {
      if (exception.retryAfterSeconds !== undefined) void reply.header('retry-after', String(exception.retryAfterSeconds));
      void reply.status(ERROR_KINDS[exception.kind]).send(errorBody(exception));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status === 404 ? 'not_found' : status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      void reply.status(status).send({ error: { code, message: exception.message } });
      return;
    }
    const statusCode = (exception as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      // Fastify's own rejections (body too large, bad content type, malformed JSON).
      const code = String((exception as { code?: unknown }).code ?? 'bad_request').toLowerCase();
      void reply.status(statusCode).send({ error: { code, message: (exception as Error).message } });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    void reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
  }
}
