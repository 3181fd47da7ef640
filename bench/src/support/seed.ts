import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@vigil/testing';

/** The default organization's credentials, as `seed-default` prints them. */
export interface Seed {
  org: string;
  project: string;
  projectId: number;
  /** The DSN's public key (`sentry_key`). */
  publicKey: string;
  /** A read-write personal token of the owner, for the API (`Authorization: Bearer`). */
  token: string;
  /** A read-write project API key, for the Healthchecks Management API (`X-Api-Key`). */
  projectApiKey: string;
}

/**
 * The default organization of the bench's own database, through the same CLI `make up` uses
 * (`services/api/dist/cli/seed-default.js`), with `env` pointing it at the bench's slot.
 */
export function seedDefault(env: Record<string, string>): Seed {
  const output = execFileSync(process.execPath, [join(REPO_ROOT, 'services/api/dist/cli/seed-default.js')], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const values = new Map(
    output
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const dsn = values.get('VIGIL_DSN');
  const seed: Seed = {
    org: values.get('VIGIL_ORG') ?? '',
    project: values.get('VIGIL_PROJECT') ?? '',
    projectId: Number(values.get('VIGIL_PROJECT_ID')),
    publicKey: dsn ? new URL(dsn).username : '',
    token: values.get('VIGIL_API_TOKEN') ?? '',
    projectApiKey: values.get('VIGIL_PROJECT_API_KEY') ?? '',
  };
  if (!seed.org || !seed.project || !Number.isInteger(seed.projectId) || !seed.publicKey || !seed.token || !seed.projectApiKey)
    throw new Error(`seed-default printed too little:\n${output}`);
  return seed;
}
