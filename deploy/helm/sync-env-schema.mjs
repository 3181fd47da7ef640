// Rewrites the chart's list of extra environment variables (values.schema.json $defs.vigilEnv) from libs/config, by the
// same rule env-check.mjs checks: every variable libs/config declares, less secrets and the local stack's own. Run it
// after adding a variable to libs/config (`make build` first), then `npx prettier --write helm/vigil/values.schema.json`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { configVariables } = require(join(ROOT, 'libs/config/dist/index.js'));

const path = join(ROOT, 'helm/vigil/values.schema.json');
const schema = JSON.parse(readFileSync(path, 'utf8'));
schema.$defs.vigilEnv.propertyNames.enum = [...new Map(configVariables())]
  .filter(([, options]) => !options.secret && !options.description.startsWith('Local stack'))
  .map(([name]) => name)
  .sort();
writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
