import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './stack';
import { waitFor } from './wait-for';

export const SERVICE_NAMES = ['ingest', 'api', 'history', 'scheduler', 'issues', 'notifier'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const PORT_VARIABLE: Record<ServiceName, string> = {
  ingest: 'VIGIL_INGEST_PORT',
  api: 'VIGIL_API_PORT',
  history: 'VIGIL_HISTORY_PORT',
  scheduler: 'VIGIL_SCHEDULER_PORT',
  issues: 'VIGIL_ISSUES_PORT',
  notifier: 'VIGIL_NOTIFIER_PORT',
};

/** A service running as its own process, exactly as `make up` runs it (from its build output). */
export class ServiceProcess {
  private output = '';
  private stdoutChunks: Buffer[] | null = null;
  private exited: Promise<number | null>;

  private constructor(
    readonly name: ServiceName,
    readonly url: string,
    /** Where its Prometheus metrics are (ingest: a port of its own, VIGIL_INGEST_METRICS_PORT). */
    readonly metricsUrl: string,
    private readonly child: ChildProcess,
    keepStdout: boolean,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20000);
    };
    if (keepStdout) {
      const chunks: Buffer[] = [];
      this.stdoutChunks = chunks;
      child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    }
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `keepStdout`: keep every byte the service writes to stdout (its log), for tests that count log lines. */
  static async start(name: ServiceName, env: Record<string, string>, options: { keepStdout?: boolean } = {}): Promise<ServiceProcess> {
    const main = join(REPO_ROOT, 'services', name, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
    const port = env[PORT_VARIABLE[name]];
    if (!port) throw new Error(`no ${PORT_VARIABLE[name]} in the environment given to ${name}`);
    // A process left behind by an earlier test would answer /readyz for the new one, which then fails to bind and
    // exits: the test would talk to a stale service with other credentials. Say so instead.
    if (await portAnswers(Number(port))) throw new Error(`${name}: port ${port} is already taken (a service an earlier test did not stop?)`);
    const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const metricsPort = name === 'ingest' ? (env['VIGIL_INGEST_METRICS_PORT'] ?? '8090') : port;
    const service = new ServiceProcess(name, `http://127.0.0.1:${port}`, `http://127.0.0.1:${metricsPort}/metrics`, child, options.keepStdout ?? false);
    let gone = false;
    void service.exited.then(() => {
      gone = true;
    });
    try {
      await waitFor(
        `${name} to be ready`,
        async () => {
          if (gone) throw new Error(`${name} exited:\n${service.output}`);
          const response = await fetch(`${service.url}/readyz`);
          return response.ok;
        },
        { timeoutMs: 45000, intervalMs: 200 },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- ${name} output ---\n${service.output}`);
    }
    return service;
  }

  get logs(): string {
    return this.output;
  }

  /** Everything written to stdout since the start, when started with `keepStdout`. */
  get stdout(): string {
    if (!this.stdoutChunks) throw new Error(`${this.name} was started without keepStdout`);
    return Buffer.concat(this.stdoutChunks).toString();
  }

  /** SIGTERM and wait: the graceful path. Returns the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGSTOP: the process stops running (a long GC pause, a stalled VM, a CPU-starved pod) but keeps its sockets. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  /** SIGCONT: it runs again, and finds out what happened meanwhile. */
  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** The exit code once the process has exited, undefined while it runs. */
  get exitCode(): number | null | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? undefined : this.child.exitCode;
  }

  /** Resolves with the exit code once the process exited by itself (null if a signal ended it). */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGKILL: the crash path. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** True when something accepts connections on 127.0.0.1:`port`. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
