import { join } from 'node:path';
import { REPO_ROOT } from '@vigil/testing';
import { writeSection } from './markdown';

/** Prints a bench's section of docs/benchmarks.md and, when `write`, puts it there (between the bench's markers). */
export function publishSection(name: string, section: string, write: boolean, preamble: string, log: (message: string) => void): void {
  process.stdout.write(`\n${section}\n`);
  if (!write) return;
  const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
  writeSection(file, name, section, preamble);
  log(`wrote ${file}`);
}

/** Logs the last error lines each service process wrote: a bench that measured a failing service says so. */
export function logServiceErrors(services: Iterable<readonly [string, { readonly logs: string }]>, log: (message: string) => void): void {
  for (const [name, service] of services) {
    const errors = service.logs.split('\n').filter((line) => line.includes('"level":50') || line.includes('"level":"error"'));
    if (errors.length > 0) log(`${name} logged errors, the last:\n${errors.slice(-3).join('\n')}`);
  }
}

/** Runs a bench's `main` and exits: 0 when it finished, 1 with the error's stack when it failed. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`[bench:${name}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
