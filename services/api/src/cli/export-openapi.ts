import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@vigil/config';
import { createLogger } from '@vigil/logging';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument } from '../common/openapi/openapi-document';

const TARGET = resolve(__dirname, '../../../../docs/openapi.json');

/**
 * `node services/api/dist/cli/export-openapi.js [--check]`: writes the API's OpenAPI document to docs/openapi.json,
 * or with `--check` exits 1 when the committed one differs from what the code generates. The app is assembled in
 * Nest's preview mode: no provider runs, so no store needs to be up.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, createLogger('api', 'error')), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  const generated = `${JSON.stringify(buildOpenApiDocument(app, ApiModule), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(TARGET, 'utf8');
    } catch {
      // a missing file differs like any other
    }
    if (committed !== generated) {
      process.stderr.write(`${TARGET} is out of date: run node services/api/dist/cli/export-openapi.js and commit it\n`);
      process.exit(1);
    }
    process.stdout.write(`${TARGET} is current\n`);
    return;
  }
  writeFileSync(TARGET, generated);
  process.stdout.write(`wrote ${TARGET}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
