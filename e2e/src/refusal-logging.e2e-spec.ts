import { randomUUID } from 'node:crypto';
import { ServiceProcess, testEnv, waitFor } from '@vigil/testing';
import { seed, uniqueSlug, type Credentials } from './support';

/**
 * Issue #19 item 5: a flood of refused requests must not write a log line each (one flood of rate-limited pings
 * wrote 497 MB). Ingest and the api run at info level with a 1 s refusal interval; the test floods them with
 * rate-limited pings, pings to unknown checks and API calls with a bad token, then reads everything they wrote
 * to stdout: the refusal lines are few, bounded by the interval, and their counts add up to the refusals sent.
 */

const INTERVAL_MS = 1000;
const base = testEnv();
const env = testEnv({
  VIGIL_LOG_LEVEL: 'info',
  VIGIL_REFUSAL_LOG_INTERVAL_MS: String(INTERVAL_MS),
  VIGIL_CHECKIN_RATE_PER_MINUTE: '1',
  VIGIL_CHECKIN_RATE_BURST: '1',
});

interface LogLine {
  msg?: string;
  protocol?: string;
  status?: number;
  code?: string;
  count?: number;
  example?: Record<string, unknown>;
  req?: unknown;
}

let ingest: ServiceProcess;
let api: ServiceProcess;
let credentials: Credentials;

function lines(service: ServiceProcess, from = 0): LogLine[] {
  return service.stdout
    .slice(from)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

function refused(service: ServiceProcess, code: string): LogLine[] {
  return lines(service).filter((line) => line.msg === 'requests refused' && line.code === code);
}

const total = (entries: LogLine[]) => entries.reduce((sum, line) => sum + (line.count ?? 0), 0);

/** Sends `count` requests, `concurrency` at a time, and returns the statuses answered. */
async function flood(count: number, concurrency: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const response = await send(i);
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    }),
  );
  return statuses;
}

beforeAll(async () => {
  credentials = seed(base);
  [ingest, api] = await Promise.all([ServiceProcess.start('ingest', env, { keepStdout: true }), ServiceProcess.start('api', env, { keepStdout: true })]);
});

afterAll(async () => {
  await Promise.all([ingest, api].filter(Boolean).map((service) => service.stop()));
});

it('counts a flood of refused pings and API calls in a bounded number of lines whose counts add up', async () => {
  const slug = uniqueSlug('flood');
  const pingUrl = `${ingest.url}/ping/${credentials.VIGIL_PING_KEY}/${slug}`;
  expect((await fetch(`${pingUrl}?create=1`)).status).toBe(201); // the one check-in the limit lets through

  const LIMITED = 600;
  const UNKNOWN = 400;
  const BAD_TOKEN = 200;
  const written = { ingest: ingest.stdout.length, api: api.stdout.length };
  const started = Date.now();
  const [limited, unknown, badToken] = await Promise.all([
    flood(LIMITED, 16, () => fetch(pingUrl)),
    flood(UNKNOWN, 8, () => fetch(`${ingest.url}/ping/${randomUUID()}`)),
    flood(BAD_TOKEN, 4, () =>
      fetch(`${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/monitors/`, { headers: { authorization: 'Bearer vgl_not-a-token' } }),
    ),
  ]);
  const floodSeconds = (Date.now() - started) / 1000;
  expect(limited.every((status) => status === 429)).toBe(true);
  expect(unknown.every((status) => status === 404)).toBe(true);
  expect(badToken.every((status) => status === 401)).toBe(true);

  // The counts of the last interval are written when it ends.
  await waitFor(
    'every refusal to be counted in the logs',
    async () =>
      total(refused(ingest, 'rate_limited')) >= LIMITED &&
      total(refused(ingest, 'not_found')) >= UNKNOWN &&
      total(refused(api, 'invalid_token')) + total(refused(api, 'unauthorized')) >= BAD_TOKEN,
    { timeoutMs: 10 * INTERVAL_MS, intervalMs: 100 },
  );
  const seconds = (Date.now() - started) / 1000;

  const rateLimited = refused(ingest, 'rate_limited');
  expect(total(rateLimited)).toBe(LIMITED);
  expect(rateLimited.every((line) => line.protocol === 'healthchecks-ping' && line.status === 429)).toBe(true);
  expect(total(refused(ingest, 'not_found'))).toBe(UNKNOWN);
  const apiRefusals = lines(api).filter((line) => line.msg === 'requests refused');
  expect(total(apiRefusals)).toBe(BAD_TOKEN);
  expect(apiRefusals.every((line) => line.status === 401)).toBe(true);

  // At most two lines per reason per interval (the first refusal at once, then the interval's count), however
  // many requests: a line per request would be 1,200 lines.
  const bound = 2 * Math.ceil(seconds / (INTERVAL_MS / 1000) + 1);
  for (const reason of [rateLimited, refused(ingest, 'not_found'), apiRefusals]) expect(reason.length).toBeLessThanOrEqual(bound);
  // Nothing else is written per request either: all that ingest and the api wrote during the flood.
  expect(lines(ingest, written.ingest).length).toBeLessThanOrEqual(2 * bound);
  expect(lines(api, written.api).length).toBeLessThanOrEqual(bound);

  // Each line names a redacted example: never the ping key or the token.
  expect(ingest.stdout).not.toContain(credentials.VIGIL_PING_KEY);
  expect(api.stdout).not.toContain('vgl_not-a-token');
  expect(rateLimited[0]!.example).toMatchObject({ method: 'GET', url: `/ping/[REDACTED]/${slug}` });
  process.stdout.write(
    `refusals: ${LIMITED + UNKNOWN + BAD_TOKEN} in ${floodSeconds.toFixed(1)} s, ${rateLimited.length + refused(ingest, 'not_found').length + apiRefusals.length} lines (bound ${bound} per reason)\n`,
  );
});
