import { randomUUID } from 'node:crypto';
import { ENVELOPE_CONTENT_TYPE, envelopeBody, sentryAuth } from '../ingest/payloads';
import type { Seed } from '../support/seed';
import type { LoadMonitor } from './protocol';

/**
 * The pipeline bench's monitors: half Sentry monitors, each created by an envelope whose `ok` check-in carries
 * `monitor_config`, half Healthchecks checks created through the Management API v3 and pinged once. All run every
 * minute (`* * * * *`, UTC). The loaded ones have a margin of `LOADED_MARGIN_MINUTES`, so the pause between two
 * steps (while the bench counts) does not make them miss. The silent ones (`missing`, half of each kind) have a
 * margin of 1 minute and never check in again after their first check-in, so each of them misses every minute:
 * the scheduler publishes the misses, the issues service opens an issue for each and the notifier sends it.
 */

export const LOADED_MARGIN_MINUTES = 3;
export const SILENT_MARGIN_MINUTES = 1;
export const SCHEDULE = '* * * * *';

export interface Population {
  /** The monitors the load goes to, Sentry and ping alternating. */
  loaded: LoadMonitor[];
  /** The monitors that miss every minute. */
  silent: LoadMonitor[];
}

function slugOf(kind: LoadMonitor['kind'], index: number): string {
  return `pipeline-${kind === 'sentry' ? 'sentry' : 'ping'}-${String(index).padStart(4, '0')}`;
}

async function createSentryMonitor(ingestUrl: string, seed: Seed, slug: string, marginMinutes: number): Promise<void> {
  const body = envelopeBody({
    check_in_id: randomUUID().replace(/-/g, ''),
    monitor_slug: slug,
    status: 'ok',
    duration: 1,
    environment: 'production',
    monitor_config: {
      schedule: { type: 'crontab', value: SCHEDULE },
      checkin_margin: marginMinutes,
      max_runtime: 5,
      timezone: 'UTC',
      failure_issue_threshold: 1,
      recovery_threshold: 1,
    },
  });
  const response = await fetch(`${ingestUrl}/api/${seed.projectId}/envelope/`, {
    method: 'POST',
    headers: { 'content-type': ENVELOPE_CONTENT_TYPE, 'x-sentry-auth': sentryAuth(seed.publicKey) },
    body,
  });
  if (response.status !== 200) throw new Error(`creating ${slug}: ${response.status} ${await response.text()}`);
}

/** A Healthchecks check through `POST /api/v3/checks/`, then one ping so that its track exists; returns its ping UUID. */
async function createCheck(apiUrl: string, ingestUrl: string, seed: Seed, slug: string, marginMinutes: number): Promise<string> {
  const response = await fetch(`${apiUrl}/api/v3/checks/`, {
    method: 'POST',
    headers: { 'x-api-key': seed.projectApiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ name: slug, slug, schedule: SCHEDULE, tz: 'UTC', grace: marginMinutes * 60, unique: ['slug'] }),
  });
  const text = await response.text();
  if (response.status !== 201 && response.status !== 200) throw new Error(`creating check ${slug}: ${response.status} ${text}`);
  const uuid = (JSON.parse(text) as { uuid?: string }).uuid;
  if (!uuid) throw new Error(`creating check ${slug}: no uuid in ${text}`);
  // Ingest learns of the check through Postgres' NOTIFY; a ping before that is a 404, so try again briefly.
  const deadline = Date.now() + 15000;
  for (;;) {
    const ping = await fetch(`${ingestUrl}/ping/${uuid}`);
    await ping.arrayBuffer();
    if (ping.status === 200) return uuid;
    if (Date.now() > deadline) throw new Error(`first ping of ${slug}: ${ping.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Creates `total` monitors (half of each kind), `silent` of them silent, `concurrency` requests at a time. */
export async function createPopulation(
  urls: { ingest: string; api: string },
  seed: Seed,
  total: number,
  silent: number,
  concurrency: number,
): Promise<Population> {
  const perKind = Math.floor(total / 2);
  const silentPerKind = Math.floor(silent / 2);
  const jobs: Array<() => Promise<LoadMonitor>> = [];
  for (let index = 0; index < perKind; index++) {
    const margin = index < silentPerKind ? SILENT_MARGIN_MINUTES : LOADED_MARGIN_MINUTES;
    const sentrySlug = slugOf('sentry', index);
    jobs.push(async () => {
      await createSentryMonitor(urls.ingest, seed, sentrySlug, margin);
      return { slug: sentrySlug, kind: 'sentry' };
    });
    const pingSlug = slugOf('ping', index);
    jobs.push(async () => ({ slug: pingSlug, kind: 'ping', pingUuid: await createCheck(urls.api, urls.ingest, seed, pingSlug, margin) }));
  }
  const created: LoadMonitor[] = new Array<LoadMonitor>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      created[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Jobs alternate Sentry and ping for each index, so both lists keep that order.
  return { silent: created.slice(0, silentPerKind * 2), loaded: created.slice(silentPerKind * 2) };
}
