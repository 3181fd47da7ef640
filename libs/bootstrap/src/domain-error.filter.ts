import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@vigil/logging';
import type { FastifyReply } from 'fastify';
import { DomainError, ERROR_KINDS, errorBody } from '@vigil/errors';

/** Fastify's rejections of a request body, named the way every other error is. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

/** What an HTTP status means when nothing more precise is known. */
const HTTP_CODES: Readonly<Record<number, string>> = { 404: 'not_found', 413: 'body_too_large', 415: 'unsupported_media_type' };

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
      // Nest hands Fastify's own rejections (malformed JSON, body too large, bad content type) over as an
      // HttpException caused by the Fastify error: its code says which.
      const status = exception.getStatus();
      const code = FASTIFY_CODES[errorCode(exception.cause)] ?? HTTP_CODES[status] ?? 'bad_request';
      void reply.status(status).send({ error: { code, message: exception.message } });
      return;
    }
    const statusCode = (exception as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const code = FASTIFY_CODES[errorCode(exception)] ?? HTTP_CODES[statusCode] ?? 'bad_request';
      void reply.status(statusCode).send({ error: { code, message: (exception as Error).message } });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    void reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
  }
}

/** The `code` of a Fastify or Node error ('' when there is none). */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : '';
}
