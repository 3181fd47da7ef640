import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ENDPOINT_SPEC, type EndpointSpec } from './endpoint-spec';
import { RequestValidator } from './request-validator';

/** Enforces each `@Endpoint`'s query and body schemas before its handler runs: a 400 naming the field, nothing else happens. */
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
      request.query = validator.query(request.query);
      request.body = validator.body(request.body);
    }
    return next.handle();
  }
}
