import { spawn, type ChildProcess } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { appendLineRotating, type RotatingFile, type RotationOptions } from '@vigil/logging';

export interface BackoffPolicy {
  /** Wait before the first restart, in milliseconds. */
  minMs: number;
  /** Longest wait. */
  maxMs: number;
  /** A run at least this long resets the wait to `minMs`. */
  stableMs: number;
}

/** The wait before restarting, after `quickExits` exits in a row that each came before `stableMs` (1 for the first). */
export function restartDelay(policy: BackoffPolicy, quickExits: number): number {
  const exponent = Math.max(0, quickExits - 1);
  return Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(exponent, 30));
}

export interface SupervisorOptions {
  name: string;
  command: readonly string[];
  /** The service's output goes here (the supervisor's own lines too). */
  log: RotatingFile;
  /** Restarts are also written here, one line each, by every supervisor. */
  supervisorLog: string;
  supervisorLogRotation: RotationOptions;
  /** Where `services.sh status` reads the state from (shell-readable key=value lines). */
  stateFile: string;
  backoff: BackoffPolicy;
  /** After SIGTERM, how long the service may take to stop before it is killed. */
  stopTimeoutMs: number;
}

type State = 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped';

/**
 * Runs one service and restarts it whenever it exits, as Kubernetes restarts a pod's container: after 1 s, then
 * doubling up to a cap while it keeps exiting soon after starting, back to 1 s once it ran for a stable period.
 * Every exit is logged with its code or signal, to the service's log and to the supervisors' log. SIGTERM (or
 * SIGINT) is passed on to the service, which drains and exits; the supervisor then exits too, restarting nothing.
 * The service runs in the supervisor's process group, so a last-resort kill of the group leaves nothing behind.
 */
export class Supervisor {
  private child: ChildProcess | null = null;
  private state: State = 'starting';
  private restarts = 0;
  private quickExits = 0;
  private startedAt = 0;
  private lastExit = '';
  private lastExitAt = '';
  private restartTimer: NodeJS.Timeout | null = null;
  private nextRestartAt = '';

  constructor(private readonly options: SupervisorOptions) {}

  run(): void {
    process.on('SIGTERM', () => this.stop('SIGTERM'));
    process.on('SIGINT', () => this.stop('SIGINT'));
    process.on('SIGHUP', () => undefined);
    this.note('info', 'supervisor started', { command: this.options.command.join(' ') });
    this.spawnChild();
  }

  private spawnChild(): void {
    this.restartTimer = null;
    this.state = 'running';
    this.startedAt = Date.now();
    const [file, ...args] = this.options.command;
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    this.child = child;
    const copy = (chunk: Buffer): void => this.writeLog(chunk);
    child.stdout?.on('data', copy);
    child.stderr?.on('data', copy);
    let done = false;
    const exited = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
      if (done) return;
      done = true;
      this.onExit(code, signal, error);
    };
    // 'close' comes after the output pipes are drained, so the service's last lines precede the restart line.
    child.once('close', (code, signal) => exited(code, signal));
    child.once('error', (error) => exited(null, null, error));
    this.writeState();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    const uptimeMs = Date.now() - this.startedAt;
    this.child = null;
    this.lastExit = error ? `spawn error ${error.message}` : signal ? `signal ${signal}` : `code ${code ?? '?'}`;
    this.lastExitAt = new Date().toISOString();
    if (this.state === 'stopping') {
      this.note('info', 'service stopped', { exit_code: code, signal, uptime_ms: uptimeMs });
      this.state = 'stopped';
      this.writeState();
      process.exit(0);
    }
    this.quickExits = uptimeMs >= this.options.backoff.stableMs ? 1 : this.quickExits + 1;
    const delayMs = restartDelay(this.options.backoff, this.quickExits);
    this.restarts += 1;
    this.state = 'backoff';
    this.nextRestartAt = new Date(Date.now() + delayMs).toISOString();
    this.note('warn', `service exited (${this.lastExit}); restarting in ${delayMs} ms`, {
      exit_code: code,
      signal,
      ...(error ? { error: error.message } : {}),
      uptime_ms: uptimeMs,
      restarts: this.restarts,
      delay_ms: delayMs,
    });
    this.writeState();
    this.restartTimer = setTimeout(() => this.spawnChild(), delayMs);
  }

  private stop(signal: NodeJS.Signals): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const child = this.child;
    this.state = 'stopping';
    this.writeState();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (!child) {
      this.note('info', `supervisor stopped by ${signal} while waiting to restart`, {});
      this.state = 'stopped';
      this.writeState();
      process.exit(0);
    }
    this.note('info', `${signal}: stopping the service`, { service_pid: child.pid });
    child.kill('SIGTERM');
    const force = setTimeout(() => {
      this.note('error', `service did not stop within ${this.options.stopTimeoutMs} ms; killing it`, { service_pid: child.pid });
      child.kill('SIGKILL');
    }, this.options.stopTimeoutMs);
    force.unref();
  }

  private note(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
    const line = JSON.stringify({
      level,
      time: new Date().toISOString(),
      service: this.options.name,
      component: 'supervisor',
      pid: process.pid,
      msg,
      ...fields,
    });
    this.writeLog(`${line}\n`);
    try {
      appendLineRotating(this.options.supervisorLog, line, this.options.supervisorLogRotation);
    } catch {
      // The supervisors' log is a convenience; the service's own log has the line.
    }
  }

  /** A full disk must not stop supervision: the output is dropped instead. */
  private writeLog(chunk: Buffer | string): void {
    try {
      this.options.log.write(chunk);
    } catch {
      // dropped
    }
  }

  private writeState(): void {
    const lines = [
      `state=${this.state}`,
      `supervisor_pid=${process.pid}`,
      `service_pid=${this.child?.pid ?? ''}`,
      `restarts=${this.restarts}`,
      `started_at=${this.startedAt ? new Date(this.startedAt).toISOString() : ''}`,
      `last_exit=${this.lastExit}`,
      `last_exit_at=${this.lastExitAt}`,
      `next_restart_at=${this.state === 'backoff' ? this.nextRestartAt : ''}`,
    ];
    try {
      writeFileSync(`${this.options.stateFile}.tmp`, `${lines.join('\n')}\n`);
      renameSync(`${this.options.stateFile}.tmp`, this.options.stateFile);
    } catch {
      // status shows less; supervision goes on
    }
  }
}
