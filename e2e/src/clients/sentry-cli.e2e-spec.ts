// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { SentryCli } from '@sentry/cli';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@vigil/config';
import { createDataSource, newPingKey } from '@vigil/db';
import { REPO_ROOT } from '@vigil/testing';
import { createOrganization, describeResult, runProcess, toolPath, uniqueSlug, Vigil } from '../support';

/** sentry-cli (npm @sentry/cli, its binary from the npm platform package) wrapping jobs with `monitors run`. */
let vigil: Vigil;
let cli: string;

function sentryCli(args: readonly string[]) {
  return runProcess(cli, args, { env: { SENTRY_DSN: vigil.credentials.VIGIL_DSN, SENTRY_LOG_LEVEL: 'warn' } });
}

beforeAll(async () => {
  cli = toolPath('sentry-cli');
  vigil = await Vigil.start({}, { scheduler: true });
});

afterAll(async () => {
  await vigil?.stop();
});

describe('sentry-cli', () => {
  it('is the binary of the npm platform package, at the version of @sentry/cli', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@sentry/cli/package.json'), 'utf8')) as { version: string };
    // No binary downloaded from a CDN by the postinstall fallback: the one the launcher runs is an npm package's.
    expect(realpathSync(SentryCli.getPath())).toMatch(/node_modules\/@sentry\/cli-(linux|darwin|win32)[^/]*\/bin\/sentry-cli(\.exe)?$/);
    const result = await runProcess(cli, ['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`sentry-cli ${version}`);
  });

  it('monitors run with a failing command: every monitor flag becomes the config, the run is an error, the exit code passes through', async () => {
    const slug = uniqueSlug('cli-failing');
    const result = await sentryCli([
      'monitors',
      'run',
      '-s',
      '*/10 * * * *',
      '--check-in-margin',
      '5',
      '--max-runtime',
      '20',
      '--timezone',
      'Europe/Berlin',
      '--failure-issue-threshold',
      '2',
      '--recovery-threshold',
      '4',
      '-e',
      'batch',
      slug,
      '--',
      'sh',
      '-c',
      'echo working; sleep 0.4; exit 3',
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('working');

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: {
        schedule_type: 'crontab',
        schedule: '*/10 * * * *',
        checkin_margin: 5,
        max_runtime: 20,
        timezone: 'Europe/Berlin',
        failure_issue_threshold: 2,
        recovery_threshold: 4,
      },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'error', environment: 'batch' });
    expect(run?.duration).toBeGreaterThanOrEqual(350);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('monitors run with a succeeding command is an ok run in production; a later run without -s reuses the monitor', async () => {
    const slug = uniqueSlug('cli-ok');
    const first = await sentryCli(['monitors', 'run', '-s', '0 5 * * *', slug, '--', 'sh', '-c', 'sleep 0.4']);
    expect(first.code).toBe(0);
    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug, config: { schedule_type: 'crontab', schedule: '0 5 * * *' } });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok', environment: 'production' });
    expect(run?.duration).toBeGreaterThanOrEqual(350);

    const second = await sentryCli(['monitors', 'run', slug, '--', 'true']);
    expect(second.code).toBe(0);
    const runs = await vigil.api.waitForRuns(slug, 2);
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(runs[0]?.id).not.toBe(runs[1]?.id);
  });

  it('a command that cannot be started is reported as an error run', async () => {
    const slug = uniqueSlug('cli-missing');
    // sentry-cli checks the schedule itself and refuses Sentry's @daily-style nicknames; a five-field crontab it takes.
    const result = await sentryCli(['monitors', 'run', '-s', '0 0 * * *', slug, '--', 'no-such-command-vigil-e2e']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 1,
      stderr: expect.stringContaining("could not invoke program 'no-such-command-vigil-e2e'"),
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'error' });
  });

  it('monitors list, pointed at Vigil with SENTRY_URL and an API token, lists every monitor of the organization, page after page', async () => {
    // An organization of its own, with more monitors than one page (100) holds.
    const db = createDataSource(loadConfig({ ...process.env, ...vigil.env }), { poolSize: 1 });
    await db.initialize();
    const organization = await createOrganization(db, 'cli');
    await db.query('INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, $2, $2, $3)', [organization.id, 'jobs', newPingKey()]);
    await db.destroy();
    const slugs = Array.from({ length: 105 }, (_, index) => `cli-list-${String(index).padStart(3, '0')}`);
    for (let start = 0; start < slugs.length; start += 15) {
      await Promise.all(
        slugs.slice(start, start + 15).map(async (slug) => {
          const response = await fetch(`${vigil.api.url}/api/0/organizations/${organization.slug}/monitors/`, {
            method: 'POST',
            headers: { authorization: `Bearer ${organization.ownerToken}`, 'content-type': 'application/json' },
            body: JSON.stringify({ project: 'jobs', name: `Job ${slug}`, slug, config: { schedule: '0 * * * *' } }),
          });
          expect(response.status).toBe(201);
        }),
      );
    }

    const result = await runProcess(cli, ['--log-level=debug', 'monitors', 'list', '--org', organization.slug], {
      env: { SENTRY_URL: vigil.api.url, SENTRY_AUTH_TOKEN: organization.ownerToken, SENTRY_ORG: undefined, SENTRY_DSN: undefined, SENTRY_LOG_LEVEL: undefined },
    });
    expect({ code: result.code, output: result.code === 0 ? '' : describeResult(result) }).toEqual({ code: 0, output: '' });
    // A table row per monitor: | <id> | <slug> | <name> | <status> |
    const rows = result.stdout
      .split('\n')
      .map((line) => /^\| ([0-9a-f-]{36}) +\| (\S+) +\| (.+?) +\| (\w+) +\|$/.exec(line))
      .filter((match) => match !== null);
    expect(rows.map((row) => row[2]).sort()).toEqual(slugs);
    expect(rows.every((row) => row[3] === `Job ${row[2]}` && row[4] === 'active')).toBe(true);
    // The requests it made: the first page, then the next one from the Link header, and nothing else.
    const requests = result.stderr.split('\n').flatMap((line) => /> (GET|POST|PUT|DELETE) (\S+) HTTP/.exec(line)?.slice(1, 3).join(' ') ?? []);
    expect(requests).toEqual([
      `GET /api/0/organizations/${organization.slug}/monitors/?cursor=`,
      `GET /api/0/organizations/${organization.slug}/monitors/?cursor=100:1:0`,
    ]);
  });
});
