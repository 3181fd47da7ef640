import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';

/** The document, built once the app is assembled (`main.ts`), before it listens. */
@Injectable()
export class OpenApiDocumentHolder {
  private document: OpenAPIObject | undefined;

  set(document: OpenAPIObject): void {
    this.document = document;
  }

  get(): OpenAPIObject {
    if (!this.document) throw new Error('the OpenAPI document was not built before the API started listening');
    return this.document;
  }
}

@ApiExcludeController()
@Controller('api')
export class OpenApiController {
  constructor(private readonly holder: OpenApiDocumentHolder) {}

  @Get('openapi.json')
  document(): OpenAPIObject {
    return this.holder.get();
  }
}
