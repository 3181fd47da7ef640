import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testSlot } from '../test-config';

/**
 * Current ClickHouse for the tests: chdb-core (PyPI; the ClickHouse engine in-process, 26.x), which `make tools`
 * (deploy/local/tools.sh) installs, served over the part of ClickHouse's HTTP interface @clickhouse/client speaks
 * (chdb_http.py beside this file). Vigil's code connects to it as to any server: the integration tier's
 * ClickHouse specs run a second time against it (the jest project `integration-clickhouse-current`), so every
 * migration and query is proven on 18.16 (the local stack) and on a current release with the same expectations.
 */
export interface ChdbServer {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** The port of the slot's chdb server: beside the slot's service ports (18080 + 100 × slot + 0..5). */
export function chdbUrl(slot: number = testSlot()): string {
  return `http://127.0.0.1:${18080 + slot * 100 + 50}`;
}

/** The Python of the venv `make tools` makes with the pinned chdb-core. */
export function chdbPython(): string {
  const path = join(process.env['VIGIL_TOOLS_DIR'] ?? join(homedir(), '.cache', 'vigil', 'tools'), 'chdb', 'bin', 'python');
  if (!existsSync(path)) throw new Error(`chdb-core is not installed at ${path}: run make tools (deploy/local/tools.sh)`);
  return path;
}

export async function startChdbServer(url: string = chdbUrl()): Promise<ChdbServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-chdb-'));
  const child: ChildProcess = spawn(chdbPython(), [join(__dirname, 'chdb_http.py'), dataDir, new URL(url).port], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const version = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`chdb did not start within 60 s: ${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /^listening \d+ (\S+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
      else reject(new Error(`chdb said "${line}" instead of listening: ${stderr}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chdb exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    version,
    stop: async () => {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.stdin?.end();
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
