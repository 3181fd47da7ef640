import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { REPO_ROOT, resetTestTopics, ServiceProcess, testEnv, type ServiceName } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { VigilApi } from './api';

/** What `services/api/dist/cli/seed-default.js` prints: the default organization's credentials. */
export interface Credentials {
  VIGIL_ORG: string;
  VIGIL_PROJECT: string;
  VIGIL_PROJECT_ID: string;
  VIGIL_DSN: string;
  VIGIL_PING_KEY: string;
  VIGIL_API_TOKEN: string;
  VIGIL_PROJECT_API_KEY: string;
  VIGIL_PROJECT_API_KEY_READONLY: string;
  VIGIL_ADMIN_EMAIL: string;
  VIGIL_ADMIN_PASSWORD: string;
}

const CREDENTIAL_NAMES = [
  'VIGIL_ORG',
  'VIGIL_PROJECT',
  'VIGIL_PROJECT_ID',
  'VIGIL_DSN',
  'VIGIL_PING_KEY',
  'VIGIL_API_TOKEN',
  'VIGIL_PROJECT_API_KEY',
  'VIGIL_PROJECT_API_KEY_READONLY',
  'VIGIL_ADMIN_EMAIL',
  'VIGIL_ADMIN_PASSWORD',
] as const;

/** Seeds the default organization in the test stores, as `make up` does, and returns what it printed. */
export function seed(env: Record<string, string>): Credentials {
  const output = execFileSync(process.execPath, [join(REPO_ROOT, 'services/api/dist/cli/seed-default.js')], { env: { ...process.env, ...env } }).toString();
  const printed = new Map<string, string>();
  for (const line of output.trim().split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) printed.set(line.slice(0, equals), line.slice(equals + 1));
  }
  const missing = CREDENTIAL_NAMES.filter((name) => !printed.get(name));
  if (missing.length > 0) throw new Error(`seed-default printed no ${missing.join(', ')}:\n${output}`);
  const credentials = {} as Credentials;
  for (const name of CREDENTIAL_NAMES) credentials[name] = printed.get(name) ?? '';
  return credentials;
}

/** A Sentry monitor_config, as the SDKs and sentry-cli send it. */
export interface SentryMonitorConfig {
  schedule: { type: 'crontab'; value: string } | { type: 'interval'; value: number; unit: string };
  checkin_margin?: number;
  max_runtime?: number;
  timezone?: string;
  failure_issue_threshold?: number;
  recovery_threshold?: number;
}

/** The environment of the check-in a test sends only to create a monitor; tests read other environments. */
export const SETUP_ENVIRONMENT = 'e2e-setup';

/**
 * Vigil as the clients see it: ingest, history and api started as real processes from their build output,
 * on the test slot's ports and stores, with the default organization seeded.
 */
export class Vigil {
  private constructor(
    readonly env: Record<string, string>,
    readonly credentials: Credentials,
    readonly api: VigilApi,
    private readonly services: ServiceProcess[],
    private readonly db: DataSource,
    readonly ingestUrl: string,
  ) {}

  /**
   * `overrides` go to every service started here (and are in `env` for services a test starts itself).
   * `scheduler`: start one too. Tests of Sentry clients need it: a check-in for a slug ingest did not know yet
   * (the closing check-in of `withMonitor` on a monitor's first run) is confirmed or refused by the scheduler
   * (decision 0021); the test topics are emptied first. Tests that run their own scheduler, with their own clock,
   * leave it out.
   */
  static async start(overrides: Record<string, string> = {}, options: { scheduler?: boolean } = {}): Promise<Vigil> {
    const env = testEnv(overrides);
    const credentials = seed(env);
    const config = loadConfig({ ...process.env, ...env });
    // A scheduler restores its partitions' event time from the changelog: a spec before this one that drove it
    // with a clock days ahead would make every new monitor here miss those days at once.
    if (options.scheduler) await resetTestTopics(config);
    const db = createDataSource(config, { poolSize: 1 });
    await db.initialize();
    const names: ServiceName[] = ['ingest', 'history', 'api', ...(options.scheduler ? (['scheduler'] as const) : [])];
    const started = await Promise.allSettled(names.map((name) => ServiceProcess.start(name, env)));
    const services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await Promise.all(services.map((service) => service.stop()));
      await db.destroy();
      throw failed.reason;
    }
    const [ingest, , api] = services as [ServiceProcess, ServiceProcess, ServiceProcess];
    return new Vigil(env, credentials, new VigilApi(api.url, credentials.VIGIL_ORG, credentials.VIGIL_API_TOKEN), services, db, ingest.url);
  }

  /** One of the services started here (ingest, history, api, scheduler), for a test that signals it. */
  service(name: ServiceName): ServiceProcess {
    const found = this.services.find((service) => service.name === name);
    if (!found) throw new Error(`${name} is not one of the services Vigil.start started`);
    return found;
  }

  /** The DSN's public key. */
  get publicKey(): string {
    return new URL(this.credentials.VIGIL_DSN).username;
  }

  /** The service output (the last 20 kB of each), for a failure message. */
  get logs(): string {
    return this.services.map((service) => `--- ${service.name} ---\n${service.logs}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => service.stop()));
    await this.db.destroy();
  }

  /**
   * Creates a monitor the way the README shows (an envelope with a monitor_config), for tests of clients that
   * cannot create one. Its check-in is `ok` in SETUP_ENVIRONMENT, so it opens no run the tests look at.
   */
  async createMonitor(slug: string, config: SentryMonitorConfig): Promise<void> {
    const item = { check_in_id: randomUUID().replace(/-/g, ''), monitor_slug: slug, status: 'ok', environment: SETUP_ENVIRONMENT, monitor_config: config };
    const body = [JSON.stringify({ sent_at: new Date().toISOString() }), JSON.stringify({ type: 'check_in' }), JSON.stringify(item)].join('\n');
    const response = await fetch(`${this.ingestUrl}/api/${this.credentials.VIGIL_PROJECT_ID}/envelope/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-sentry-envelope',
        'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${this.publicKey}, sentry_client=vigil-e2e/1.0`,
      },
      body,
    });
    if (response.status !== 200) throw new Error(`creating monitor ${slug}: ${response.status} ${await response.text()}`);
  }

  /** A monitor's id, from Postgres (it is there once ingest answered: ingest commits before it replies). */
  async monitorId(slug: string): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query('SELECT id FROM monitors WHERE slug = $1', [slug]);
    const id = rows[0]?.id;
    if (!id) throw new Error(`monitor ${slug} is not in Postgres`);
    return id;
  }

  /**
   * Sets a monitor's status in Postgres, as the API's pause and resume would: the committed change reaches the
   * services through the configuration NOTIFY trigger, asynchronously. `paused` is written as such although
   * `MonitorStatus` in libs/db does not list it yet (the column is a plain varchar).
   */
  async setMonitorStatus(monitorId: string, status: 'active' | 'paused' | 'disabled'): Promise<void> {
    const result: [unknown[], number] = await this.db.query('UPDATE monitors SET status = $2 WHERE id = $1', [monitorId, status]);
    if (result[1] !== 1) throw new Error(`monitor ${monitorId} is not in Postgres`);
  }

  /**
   * Runs `work` with the monitors table's change notifications switched off (its NOTIFY trigger disabled, in
   * the test database only), so services that follow changes by LISTEN do not hear of what `work` creates or
   * changes until `announceMonitor`: a NOTIFY delayed at will. The trigger is back on when this returns.
   */
  async withMonitorNotificationsHeld<T>(work: () => Promise<T>): Promise<T> {
    await this.db.query('ALTER TABLE monitors DISABLE TRIGGER monitors_notify_change');
    try {
      return await work();
    } finally {
      await this.db.query('ALTER TABLE monitors ENABLE TRIGGER monitors_notify_change');
    }
  }

  /** Announces a monitor as changed (an UPDATE that fires the NOTIFY trigger), so services re-read it. */
  async announceMonitor(monitorId: string): Promise<void> {
    const result: [unknown[], number] = await this.db.query('UPDATE monitors SET updated_at = now() WHERE id = $1', [monitorId]);
    if (result[1] !== 1) throw new Error(`monitor ${monitorId} is not in Postgres`);
  }

  /** A monitor's ping UUID (its Healthchecks-style credential), which only Postgres holds. */
  async pingUuid(slug: string): Promise<string> {
    const rows: Array<{ ping_uuid: string }> = await this.db.query('SELECT ping_uuid FROM monitors WHERE slug = $1', [slug]);
    const uuid = rows[0]?.ping_uuid;
    if (!uuid) throw new Error(`monitor ${slug} is not in Postgres`);
    return uuid;
  }
}

/** A slug no other test uses: Sentry slugs are lower-case letters, digits, - and _, at most 50 characters. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
}
