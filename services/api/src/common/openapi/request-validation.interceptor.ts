import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { parseCursor } from '../pagination/cursor';
import { pageItems } from '../pagination/link-header';
import { pageOfList } from '../pagination/offset-pagination';
import { ENDPOINT_SPEC, type EndpointSpec } from './endpoint-spec';
import { RequestValidator } from './request-validator';

/**
 * Enforces each `@Endpoint`'s query and body schemas before its handler runs (a 400 naming the field, nothing else
 * happens), and answers a `paged` endpoint's list a page at a time.
 */
@Injectable()
export class RequestValidationInterceptor implements NestInterceptor {
  private readonly validators = new WeakMap<EndpointSpec, RequestValidator>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<EndpointSpec | undefined>(ENDPOINT_SPEC, context.getHandler());
    if (spec) {
      let validator = this.validators.get(spec);
      if (!validator) {
        validator = new RequestValidator(spec);
        this.validators.set(spec, validator);
      }
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const query = validator.query(request.query);
      request.query = query;
      request.body = validator.body(request.body);
      if (spec.paged) {
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        return next
          .handle()
          .pipe(map((list: unknown) => pageItems(request, reply, pageOfList(list as unknown[], parseCursor(query['cursor']), query['per_page'] as number))));
      }
    }
    return next.handle();
  }
}
