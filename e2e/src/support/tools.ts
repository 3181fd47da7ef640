import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@vigil/testing';

/** Where `make tools` (deploy/local/tools.sh) installs the third-party clients that npm does not provide. */
export const TOOLS_DIR = process.env['VIGIL_TOOLS_DIR'] ?? join(homedir(), '.cache', 'vigil', 'tools');

const TOOLS = {
  /** The Python of a venv holding the pinned sentry-sdk. */
  python: join(TOOLS_DIR, 'python', 'bin', 'python'),
  runitor: join(TOOLS_DIR, 'bin', 'runitor'),
  /** A cron job instrumented with sentry-go, built from e2e/src/clients/fixtures/sentry-go-job. */
  'sentry-go-job': join(TOOLS_DIR, 'bin', 'sentry-go-job'),
  /** Prometheus and its rules tool, built from the Go module proxy. */
  prometheus: join(TOOLS_DIR, 'bin', 'prometheus'),
  promtool: join(TOOLS_DIR, 'bin', 'promtool'),
  /** The API fuzzer, in its own venv. */
  schemathesis: join(TOOLS_DIR, 'schemathesis', 'bin', 'schemathesis'),
  /** The npm package's launcher (a devDependency of e2e), which runs the binary of its platform package. */
  'sentry-cli': join(REPO_ROOT, 'node_modules', '.bin', 'sentry-cli'),
} as const;

export type Tool = keyof typeof TOOLS;

/** The path of a client the tests drive. Throws (the tests fail, never skip) when it is not installed. */
export function toolPath(tool: Tool): string {
  const path = TOOLS[tool];
  if (!existsSync(path)) {
    const how = tool === 'sentry-cli' ? 'npm install (it is a devDependency of e2e/package.json)' : 'make tools (deploy/local/tools.sh)';
    throw new Error(`${tool} is not installed at ${path}: run ${how}`);
  }
  return path;
}
