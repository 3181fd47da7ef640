#!/usr/bin/env node
import { ConfigError, loadConfig, type VigilConfig } from '@vigil/config';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCommandLine, USAGE, UsageError, type ServiceCommand } from './command-line';
import { checkMigrations, describe, isCurrent, migrate } from './migrate';

/** Each service's entry point: importing it starts the service in this process (signals reach it directly). */
const SERVICES: Record<ServiceCommand, () => Promise<unknown>> = {
  ingest: () => import('@vigil/ingest/dist/main.js'),
  api: () => import('@vigil/api/dist/main.js'),
  scheduler: () => import('@vigil/scheduler/dist/main.js'),
  issues: () => import('@vigil/issues/dist/main.js'),
  notifier: () => import('@vigil/notifier/dist/main.js'),
  history: () => import('@vigil/history/dist/main.js'),
};

const CHECK_INTERVAL_MS = 2000;

/** The api service's password reset (it owns members, scrypt and sessions): run as its own process, stdin passed through. */
function runPasswordReset(args: readonly string[]): Promise<number> {
  // services/cli/dist → services/api/dist, in the repository and in the image (/app/services/...) alike.
  const script = join(__dirname, '../../api/dist/cli/reset-password.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function configOrExit(): VigilConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      process.exit(78); // EX_CONFIG, as the services
    }
    throw error;
  }
}

function print(lines: readonly string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'service':
      await SERVICES[command.service]();
      return -1; // the service runs on, and exits by its own signal handling
    case 'reset-password':
      return runPasswordReset([command.email, ...(command.org ? ['--org', command.org] : []), ...(command.stdin ? ['--stdin'] : [])]);
    case 'migrate': {
      const config = configOrExit();
      if (!command.check) {
        const reports = await migrate(config);
        print(describe(reports, 'migrate'));
        return reports.every((report) => report.error === undefined) ? 0 : 1;
      }
      const deadline = Date.now() + command.waitSeconds * 1000;
      for (;;) {
        const reports = await checkMigrations(config);
        if (isCurrent(reports) || Date.now() + CHECK_INTERVAL_MS > deadline) {
          print(describe(reports, 'check'));
          return isCurrent(reports) ? 0 : 1;
        }
        await sleep(CHECK_INTERVAL_MS);
      }
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`vigil: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`vigil: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
