// Every environment variable a Vigil container of the chart receives is one libs/config declares, with a value
// libs/config accepts, and each container has the variables a deployment must set (the defaults only suit the local
// stack). Reads `helm template` output (several documents) from the files named on the command line; the schema's
// list of extra variables must equal libs/config's. Run by deploy/helm/check.sh after `make build`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { configVariables, loadConfig } = require(join(ROOT, 'libs/config/dist/index.js'));

const known = new Map(configVariables());
// What each Vigil container must be given: the stores, where users reach Vigil, the listening address and the stop budget.
const REQUIRED_ALL = [
  'VIGIL_HOST',
  'VIGIL_KAFKA_BROKERS',
  'VIGIL_KAFKA_TOPIC_PREFIX',
  'VIGIL_POSTGRES_URL',
  'VIGIL_CLICKHOUSE_URL',
  'VIGIL_CLICKHOUSE_DATABASE',
  'VIGIL_CLICKHOUSE_USER',
  'VIGIL_CLICKHOUSE_PASSWORD',
  'VIGIL_PUBLIC_INGEST_URL',
  'VIGIL_PUBLIC_API_URL',
  'VIGIL_PUBLIC_APP_URL',
  'VIGIL_SHUTDOWN_TIMEOUT_MS',
];
const REQUIRED_BY_COMMAND = {
  ingest: ['VIGIL_INGEST_PORT', 'VIGIL_INGEST_SNAPSHOT_PATH', 'VIGIL_TRUSTED_PROXIES'],
  api: ['VIGIL_API_PORT', 'VIGIL_SMTP_HOST', 'VIGIL_SMTP_FROM', 'VIGIL_NOTIFIER_ALLOWED_CIDRS'],
  scheduler: ['VIGIL_SCHEDULER_PORT'],
  issues: ['VIGIL_ISSUES_PORT'],
  notifier: ['VIGIL_NOTIFIER_PORT', 'VIGIL_SMTP_HOST', 'VIGIL_SMTP_FROM', 'VIGIL_NOTIFIER_ALLOWED_CIDRS'],
  history: ['VIGIL_HISTORY_PORT'],
  migrate: ['VIGIL_KAFKA_REPLICATION_FACTOR'],
};
// A value a secretKeyRef stands for, valid for its variable, so loadConfig checks the rest.
const SECRET_STANDIN = { VIGIL_POSTGRES_URL: 'postgres://user:password@postgres:5432/vigil' };

let passed = 0;
const failures = [];
function check(name, problem) {
  if (problem) failures.push(`${name}: ${problem}`);
  else passed++;
}

// The schema's extra-variable names: libs/config's, less secrets and the local stack's own.
const schema = JSON.parse(readFileSync(join(ROOT, 'helm/vigil/values.schema.json'), 'utf8'));
const allowed = [...known]
  .filter(([, options]) => !options.secret && !options.description.startsWith('Local stack'))
  .map(([name]) => name)
  .sort();
const listed = [...schema.$defs.vigilEnv.propertyNames.enum].sort();
check(
  'values.schema.json $defs.vigilEnv',
  JSON.stringify(listed) === JSON.stringify(allowed)
    ? undefined
    : `lists ${listed.filter((n) => !allowed.includes(n)).join(', ') || 'nothing extra'} beyond libs/config and lacks ${allowed.filter((n) => !listed.includes(n)).join(', ') || 'nothing'} (node deploy/helm/sync-env-schema.mjs rewrites it)`,
);

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: env-check.mjs <rendered.yaml>...');
for (const file of files) {
  const containers = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const resource = document.toJS();
    const pod = resource?.spec?.template?.spec;
    if (!pod) continue;
    for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      // Vigil's containers run `vigil <command>`: the image's entry point with the command as first argument.
      const command = container.args?.[0];
      if (!(command in REQUIRED_BY_COMMAND) || !String(container.image).includes('vigil')) continue;
      containers.push({ where: `${file}: ${resource.kind} ${resource.metadata.name} container ${container.name}`, command, container });
    }
  }
  check(`${file}`, containers.length >= 7 ? undefined : `only ${containers.length} Vigil containers found`);
  for (const { where, command, container } of containers) {
    const env = {};
    for (const variable of container.env ?? []) {
      if (!known.has(variable.name)) {
        check(where, `${variable.name} is not a libs/config variable`);
        continue;
      }
      if (variable.valueFrom) {
        const secret = variable.valueFrom.secretKeyRef;
        check(where, secret && known.get(variable.name).secret ? undefined : `${variable.name} comes from ${JSON.stringify(variable.valueFrom)}, not a Secret`);
        env[variable.name] = SECRET_STANDIN[variable.name] ?? '';
      } else {
        check(where, known.get(variable.name).secret ? `${variable.name} is a secret given as a plain value` : undefined);
        env[variable.name] = variable.value;
      }
    }
    check(where, container.envFrom ? 'envFrom would pass variables nobody checked' : undefined);
    for (const name of [...REQUIRED_ALL, ...REQUIRED_BY_COMMAND[command]]) check(where, name in env ? undefined : `lacks ${name}`);
    try {
      loadConfig(env);
      check(where);
    } catch (error) {
      check(where, `libs/config refuses its environment: ${error.message}`);
    }
  }
}
for (const failure of failures) console.error(`FAIL ${failure}`);
console.log(`env-check: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length > 0 ? 1 : 0);
