import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, testEnv, waitFor } from '@vigil/testing';

/**
 * The local stack's supervision (deploy/local/services.sh and the supervisor it runs each service under), on the
 * test slot's ports and stores with its own logs and pid directory, so it never touches what `make up` runs:
 * a service killed with -9 is restarted and becomes ready, `up` right after a kill -9 neither skips a dead
 * process nor takes another program's pid for the service, `down` leaves nothing behind, and the supervisor's
 * logs rotate at their size bound and its restarts back off.
 */

const SCRIPT = join(REPO_ROOT, 'deploy/local/services.sh');
const SUPERVISOR = join(REPO_ROOT, 'libs/bootstrap/dist/supervisor/cli.js');
const stackDir = mkdtempSync(join(tmpdir(), 'vigil-supervision-'));
const base = testEnv();
const port = Number(base['VIGIL_INGEST_PORT']) + 20;
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  ...base,
  VIGIL_STACK_DIR: stackDir,
  VIGIL_INGEST_PORT: String(port),
  VIGIL_INGEST_METRICS_PORT: String(port + 6),
  VIGIL_RESTART_BACKOFF_MIN_MS: '200',
};

function services(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync('bash', [SCRIPT, ...args], { env, encoding: 'utf8', timeout: 100000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function state(): Record<string, string> {
  const text = readFileSync(join(stackDir, 'run/ingest.state'), 'utf8');
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function supervisorPid(): number {
  return Number(readFileSync(join(stackDir, 'run/ingest.pid'), 'utf8').trim());
}

/** A process that exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live processes of a process group. */
function groupMembers(pgid: number): number[] {
  const out = spawnSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, group, stat]) => pid && Number(group) === pgid && !stat?.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

async function readyz(): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

afterAll(() => {
  services('down', 'ingest');
  rmSync(stackDir, { recursive: true, force: true });
});

describe('services.sh with the supervisor', () => {
  it('restarts a service killed with -9, logs the restart, and `up` right after waits for the new process', async () => {
    const first = services('up', 'ingest');
    expect(first).toMatchObject({ status: 0 });
    const before = state();
    expect(before).toMatchObject({ state: 'running', restarts: '0' });
    const killed = Number(before['service_pid']);
    process.kill(killed, 'SIGKILL');

    const again = services('up', 'ingest');
    expect(again.status).toBe(0);
    expect(again.out).toContain(`ingest ready on http://127.0.0.1:${port}`);
    const after = state();
    expect(after['service_pid']).not.toBe(String(killed));
    expect(alive(Number(after['service_pid']))).toBe(true);
    expect(after).toMatchObject({ state: 'running', restarts: '1', last_exit: 'signal SIGKILL', supervisor_pid: before['supervisor_pid'] });
    expect(await readyz()).toBe(200);

    const status = services('status', 'ingest');
    expect(status.status).toBe(0);
    expect(status.out).toMatch(/ingest: running .*restarts 1, last exit: signal SIGKILL/);
    for (const log of ['logs/ingest.log', 'logs/supervisor.log']) {
      const restart = readFileSync(join(stackDir, log), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"component":"supervisor"') && line.includes('SIGKILL'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(restart).toEqual([expect.objectContaining({ level: 'warn', service: 'ingest', signal: 'SIGKILL', exit_code: null, restarts: 1, delay_ms: 200 })]);
    }
  });

  it('`up` right after a kill -9 of the supervisor and its service starts them again', async () => {
    const supervisor = supervisorPid();
    const service = Number(state()['service_pid']);
    process.kill(supervisor, 'SIGKILL');
    process.kill(service, 'SIGKILL');
    const again = services('up', 'ingest');
    expect(again.status).toBe(0);
    expect(supervisorPid()).not.toBe(supervisor);
    expect(state()).toMatchObject({ state: 'running', restarts: '0' });
    expect(await readyz()).toBe(200);
  });

  it('`up` after a kill -9 of the supervisor alone stops the service it left behind and starts a supervised one', async () => {
    const supervisor = supervisorPid();
    const orphan = Number(state()['service_pid']);
    process.kill(supervisor, 'SIGKILL');
    await waitFor('the supervisor to be gone', async () => !alive(supervisor), { timeoutMs: 5000, intervalMs: 50 });
    expect(alive(orphan)).toBe(true); // still holding the port

    const again = services('up', 'ingest');
    expect(again.status).toBe(0);
    expect(alive(orphan)).toBe(false);
    expect(Number(state()['service_pid'])).not.toBe(orphan);
    expect(await readyz()).toBe(200);
  });

  it('a pid file naming another program is not taken for the service', async () => {
    expect(services('down', 'ingest').status).toBe(0);
    const stranger: ChildProcess = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      writeFileSync(join(stackDir, 'run/ingest.pid'), `${stranger.pid}\n`);
      const up = services('up', 'ingest');
      expect(up.status).toBe(0);
      expect(supervisorPid()).not.toBe(stranger.pid);
      expect(await readyz()).toBe(200);
      expect(alive(stranger.pid!)).toBe(true); // left alone
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('`down` stops the service gracefully and leaves no process of its group behind', async () => {
    const supervisor = supervisorPid();
    const service = Number(state()['service_pid']);
    expect(groupMembers(supervisor).sort()).toEqual([supervisor, service].sort());

    const down = services('down', 'ingest');
    expect(down.status).toBe(0);
    expect(alive(supervisor)).toBe(false);
    expect(alive(service)).toBe(false);
    expect(groupMembers(supervisor)).toEqual([]);
    expect(existsSync(join(stackDir, 'run/ingest.pid'))).toBe(false);
    expect(await readyz()).toBe(0);
    const stopped = readFileSync(join(stackDir, 'logs/ingest.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"msg":"service stopped"'));
    expect(stopped.map((line) => JSON.parse(line) as Record<string, unknown>).at(-1)).toMatchObject({ exit_code: 0, signal: null });
    expect(services('status', 'ingest')).toMatchObject({ status: 1, out: 'ingest: stopped\n' });
  });
});

describe('the supervisor', () => {
  it('rotates the log at its size bound and backs off restarts of a service that keeps exiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-supervisor-'));
    const log = join(dir, 'chatter.log');
    // 40 KB of JSON lines per run, then exit 3
    const chatter = 'for (let i = 0; i < 200; i++) console.log(JSON.stringify({ i, pad: "x".repeat(180) })); process.exitCode = 3;';
    const child = spawn(
      process.execPath,
      [
        SUPERVISOR,
        '--name',
        'chatter',
        '--log',
        log,
        '--supervisor-log',
        join(dir, 'supervisor.log'),
        '--state',
        join(dir, 'chatter.state'),
        '--',
        process.execPath,
        '-e',
        chatter,
      ],
      {
        env: {
          ...process.env,
          VIGIL_LOG_FILE_MAX_BYTES: '16384',
          VIGIL_LOG_FILE_COUNT: '2',
          VIGIL_RESTART_BACKOFF_MIN_MS: '100',
          VIGIL_RESTART_BACKOFF_MAX_MS: '400',
          VIGIL_RESTART_STABLE_MS: '60000',
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const restarts = (): Array<Record<string, unknown>> =>
        existsSync(join(dir, 'supervisor.log'))
          ? readFileSync(join(dir, 'supervisor.log'), 'utf8')
              .split('\n')
              .filter((line) => line.includes('restarting'))
              .map((line) => JSON.parse(line) as Record<string, unknown>)
          : [];
      await waitFor('five restarts', async () => restarts().length >= 5, { timeoutMs: 60000, intervalMs: 100 });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      expect(
        restarts()
          .slice(0, 5)
          .map((line) => line['delay_ms']),
      ).toEqual([100, 200, 400, 400, 400]);
      expect(restarts().every((line) => line['exit_code'] === 3 && line['signal'] === null)).toBe(true);
      // 200 KB written in all; kept: the live file and two rotated ones, each within the bound
      expect(existsSync(`${log}.1`)).toBe(true);
      expect(existsSync(`${log}.2`)).toBe(true);
      expect(existsSync(`${log}.3`)).toBe(false);
      for (const file of [log, `${log}.1`, `${log}.2`]) {
        expect(statSync(file).size).toBeLessThanOrEqual(16384);
        for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
