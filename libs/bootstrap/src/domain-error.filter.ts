import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@vigil/logging';
import type { FastifyReply } from 'fastify';
import { DomainError, ERROR_KINDS, errorBody } from '@vigil/errors';
import { markRefusal } from './refusal-code';

/** Fastify's rejections of a request body, named the way every other error is: a code and the field at fault. */
const FASTIFY_CODES: Readonly<Record<string, { code: string; field: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', field: 'body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'empty_body', field: 'body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', field: 'body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', field: 'content-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_content_length', field: 'content-length' },
};

/** What an HTTP status means when nothing more precise is known. */
const HTTP_CODES: Readonly<Record<number, { code: string; field?: string }>> = {
  404: { code: 'not_found' },
  413: { code: 'body_too_large', field: 'body' },
  415: { code: 'unsupported_media_type', field: 'content-type' },
};

/** The error body of a 4xx that did not come from a DomainError. */
function clientErrorBody(error: unknown, status: number, message: string): { error: { code: string; message: string; field?: string } } {
  const known = FASTIFY_CODES[errorCode(error)] ?? HTTP_CODES[status] ?? { code: 'bad_request' };
  return { error: { code: known.code, message, ...(known.field ? { field: known.field } : {}) } };
}

/** The HTTP edge: domain errors become JSON with a stable code; anything unexpected is a logged 500. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof DomainError) {
      if (exception.retryAfterSeconds !== undefined) void reply.header('retry-after', String(exception.retryAfterSeconds));
      markRefusal(reply, exception.code);
      void reply.status(ERROR_KINDS[exception.kind]).send(errorBody(exception));
      return;
    }
    if (exception instanceof HttpException) {
      // Nest hands Fastify's own rejections (malformed JSON, body too large, bad content type) over as an
      // HttpException caused by the Fastify error: its code says which.
      const status = exception.getStatus();
      const body = clientErrorBody(exception.cause, status, exception.message);
      markRefusal(reply, body.error.code);
      void reply.status(status).send(body);
      return;
    }
    const statusCode = (exception as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const body = clientErrorBody(exception, statusCode, (exception as Error).message);
      markRefusal(reply, body.error.code);
      void reply.status(statusCode).send(body);
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
