import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { ConfigChangeListener, MONITOR_CONFIG_COLUMNS, type ConfigChange, type MonitorConfigRow } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import type { Logger } from '@vigil/logging';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { configFromRow } from '@vigil/db';
import { readCatalogFile, writeCatalogFile } from './catalog-file';
import { CatalogSnapshot, credentialHash, type CatalogKey, type CatalogMonitor, type CatalogProject } from './catalog-snapshot';
import { BatchedLookup } from './batched-lookup';

interface ProjectRow {
  id: number;
  organization_id: string;
  ping_key: string;
}
interface KeyRow {
  id: number;
  public_key: string;
  project_id: number;
  revoked: boolean;
}
interface MonitorRow extends MonitorConfigRow {
  id: string;
  slug: string;
  project_id: number;
  organization_id: string;
  ping_uuid: string;
  manual_resume: boolean;
}

const PROJECTS_SQL = 'SELECT id, organization_id, ping_key FROM projects';
const KEYS_SQL = 'SELECT id, public_key, project_id, revoked_at IS NOT NULL AS revoked FROM project_keys';
const MONITORS_SQL = `SELECT m.id, m.slug, m.project_id, p.organization_id, m.ping_uuid, m.manual_resume, ${MONITOR_CONFIG_COLUMNS.map((column) => `m.${column}`).join(', ')}
  FROM monitors m JOIN projects p ON p.id = m.project_id`;

/** How long "not in Postgres either" is remembered, so a key or slug asked for again and again costs one look-up. */
const NEGATIVE_TTL_MS = 2000;
const NEGATIVE_MAX = 10_000;

const toProject = (row: ProjectRow): CatalogProject => ({ id: Number(row.id), organizationId: row.organization_id, pingKey: row.ping_key });
const toKey = (row: KeyRow): CatalogKey => ({ id: Number(row.id), publicKey: row.public_key, projectId: Number(row.project_id), revoked: row.revoked });
const toMonitor = (row: MonitorRow): CatalogMonitor => ({
  id: row.id,
  slug: row.slug,
  projectId: Number(row.project_id),
  organizationId: row.organization_id,
  pingUuid: row.ping_uuid,
  config: configFromRow(row),
  status: row.status,
  manualResume: row.manual_resume,
});

/** Where the snapshot file is, or null when there is none. */
export function snapshotPath(config: Pick<VigilConfig, 'VIGIL_INGEST_SNAPSHOT_PATH' | 'VIGIL_INGEST_PORT'>): string | null {
  if (config.VIGIL_INGEST_SNAPSHOT_PATH === 'off') return null;
  return config.VIGIL_INGEST_SNAPSHOT_PATH || join(tmpdir(), 'vigil', `ingest-${config.VIGIL_INGEST_PORT}.catalog`);
}

/**
 * Ingest's in-memory view of projects, DSN keys and monitors. It is read in full at start, kept current by
 * Postgres LISTEN/NOTIFY (one row re-read per committed change), re-read in full after every reconnect and
 * every VIGIL_INGEST_VIEW_RESYNC_MS. The hot path never waits for Postgres: known keys and monitors keep
 * working while it is down. Only a miss asks Postgres (a monitor created a moment ago whose notification
 * is still on its way): misses of the same kind share one query at a time (`BatchedLookup`), so an envelope
 * of many unknown slugs costs one query, not one per slug, and misses are remembered briefly.
 *
 * A start while Postgres is unreachable begins from the snapshot file (decision 0016), which the view writes
 * every VIGIL_INGEST_SNAPSHOT_INTERVAL_MS when it changed and on a clean stop; when Postgres answers again the
 * view is re-read in full, so what changed meanwhile is caught up.
 */
@Injectable()
export class IngestCatalog implements OnModuleInit, OnApplicationShutdown {
  private snapshot = new CatalogSnapshot();
  private loaded = false;
  private readonly listener: ConfigChangeListener;
  private resyncTimer: NodeJS.Timeout | null = null;
  private readonly misses = new Map<string, number>();
  /** True once the view was read from Postgres (only such a view is written to the file). */
  private fromPostgres = false;
  private readonly snapshotFile: string | null;
  private readonly database: string;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private writtenVersion: { snapshot: CatalogSnapshot; version: number } | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Hashes of the last write, so an unchanged credential is not hashed again on every write. */
  private hashes = new Map<string, string>();
  private readonly keyLookup = new BatchedLookup((publicKeys) => this.loadKeys(publicKeys));
  private readonly pingKeyLookup = new BatchedLookup((pingKeys) => this.loadProjects('ping_key = ANY($1::text[])', [pingKeys]));
  private readonly slugLookup = new BatchedLookup((slugKeys) => this.loadMonitorsBySlug(slugKeys));
  private readonly pingUuidLookup = new BatchedLookup((uuids) => this.loadMonitors('m.ping_uuid = ANY($1::uuid[])', [uuids]));

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.listener = new ConfigChangeListener(
      config.VIGIL_POSTGRES_URL,
      { onChange: (change) => this.applyChange(change), onConnected: () => this.reloadAll() },
      logger.child({ component: 'catalog' }),
    );
    this.snapshotFile = snapshotPath(config);
    this.database = new URL(config.VIGIL_POSTGRES_URL).pathname.replace(/^\//, '');
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('catalog', async () => this.loaded);
    this.readiness.markInformational('postgres');
    // The first connection attempt reads the view from Postgres when it answers; only when it did not is the file used.
    await this.listener.start();
    if (!this.loaded) await this.loadFromFile();
    this.resyncTimer = setInterval(() => void this.listener.enqueue(() => this.reloadAll()).catch(() => undefined), this.config.VIGIL_INGEST_VIEW_RESYNC_MS);
    this.resyncTimer.unref();
    if (this.snapshotFile) {
      this.snapshotTimer = setInterval(() => void this.writeSnapshot(), this.config.VIGIL_INGEST_SNAPSHOT_INTERVAL_MS);
      this.snapshotTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    await this.listener.stop();
    await this.writeSnapshot();
  }

  /** Writes the view to the snapshot file if it was read from Postgres and changed since the last write. */
  writeSnapshot(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const path = this.snapshotFile;
      const snapshot = this.snapshot;
      if (!path || !this.fromPostgres) return;
      if (this.writtenVersion?.snapshot === snapshot && this.writtenVersion.version === snapshot.version) return;
      const version = snapshot.version;
      const previous = this.hashes;
      const next = new Map<string, string>();
      const hash = (credential: string): string => {
        const known = previous.get(credential) ?? credentialHash(credential);
        next.set(credential, known);
        return known;
      };
      try {
        const started = Date.now();
        await writeCatalogFile(path, this.database, snapshot.toRecords(hash));
        this.hashes = next;
        this.writtenVersion = { snapshot, version };
        this.logger.debug({ ...snapshot.sizes, ms: Date.now() - started }, 'configuration snapshot written');
      } catch (error) {
        this.logger.warn({ err: error, path }, 'configuration snapshot not written');
      }
    });
    return this.writing;
  }

  private async loadFromFile(): Promise<void> {
    if (!this.snapshotFile) return;
    const file = await readCatalogFile(this.snapshotFile, this.database, this.config.VIGIL_INGEST_SNAPSHOT_MAX_AGE_MS);
    if ('unusable' in file) {
      this.logger.warn(
        { path: this.snapshotFile, reason: file.unusable },
        'Postgres is unreachable and the configuration snapshot cannot be used: unknown until Postgres answers',
      );
      return;
    }
    // Postgres may have answered while the file was read: its view wins.
    if (this.loaded) return;
    this.snapshot = CatalogSnapshot.fromRecords(file.records);
    this.loaded = true;
    this.logger.warn(
      { ...this.snapshot.sizes, path: this.snapshotFile, age_ms: Date.now() - file.writtenAt },
      'Postgres is unreachable: serving the configuration snapshot until it answers',
    );
  }

  /** The project of an active DSN key, or null when the key is unknown, revoked or for another project. */
  async projectForKey(projectId: number, publicKey: string): Promise<CatalogProject | null> {
    const hit = this.snapshot.activeKey(projectId, publicKey);
    if (hit) return hit;
    return this.onMiss(`key:${publicKey}`, async () => {
      await this.keyLookup.load(publicKey);
      return this.snapshot.activeKey(projectId, publicKey) ?? null;
    });
  }

  async projectForPingKey(pingKey: string): Promise<CatalogProject | null> {
    const hit = this.snapshot.projectByPing(pingKey);
    if (hit) return hit;
    return this.onMiss(`ping-key:${pingKey}`, async () => {
      await this.pingKeyLookup.load(pingKey);
      return this.snapshot.projectByPing(pingKey) ?? null;
    });
  }

  async monitorBySlug(projectId: number, slug: string): Promise<CatalogMonitor | null> {
    const hit = this.snapshot.monitorBySlugIn(projectId, slug);
    if (hit) return hit;
    return this.onMiss(`slug:${projectId}:${slug}`, async () => {
      await this.slugLookup.load(`${projectId}:${slug}`);
      return this.snapshot.monitorBySlugIn(projectId, slug) ?? null;
    });
  }

  async monitorByPingUuid(pingUuid: string): Promise<CatalogMonitor | null> {
    const hit = this.snapshot.monitorByPing(pingUuid);
    if (hit) return hit;
    return this.onMiss(`ping:${pingUuid}`, async () => {
      await this.pingUuidLookup.load(pingUuid);
      return this.snapshot.monitorByPing(pingUuid) ?? null;
    });
  }

  /** A monitor ingest itself just created or changed: known at once, before its notification arrives. */
  rememberMonitor(monitor: CatalogMonitor): void {
    this.misses.delete(`slug:${monitor.projectId}:${monitor.slug}`);
    this.misses.delete(`ping:${monitor.pingUuid}`);
    this.snapshot.putMonitor(monitor);
  }

  private async onMiss<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const until = this.misses.get(key);
    if (until !== undefined && until > Date.now()) return null;
    let found: T | null;
    try {
      found = await load();
    } catch (error) {
      this.logger.warn({ err: error }, 'configuration look-up failed');
      throw new DomainError('unavailable', 'configuration_unavailable', 'the key or monitor is not known yet and its configuration cannot be read now; retry');
    }
    if (found === null) {
      if (this.misses.size >= NEGATIVE_MAX) this.misses.clear();
      this.misses.set(key, Date.now() + NEGATIVE_TTL_MS);
    } else {
      this.misses.delete(key);
    }
    return found;
  }

  private async loadKeys(publicKeys: string[]): Promise<void> {
    const rows: KeyRow[] = await this.dataSource.query(`${KEYS_SQL} WHERE public_key = ANY($1::text[])`, [publicKeys]);
    for (const row of rows) this.snapshot.putKey(toKey(row));
    const projects = [...new Set(rows.map((row) => Number(row.project_id)))].filter((id) => !this.snapshot.project(id));
    if (projects.length > 0) await this.loadProjects('id = ANY($1::int[])', [projects]);
  }

  private async loadProjects(where: string, params: unknown[]): Promise<void> {
    const rows: ProjectRow[] = await this.dataSource.query(`${PROJECTS_SQL} WHERE ${where}`, params);
    for (const row of rows) this.snapshot.putProject(toProject(row));
  }

  /** `slugKeys` are `<project id>:<slug>`. */
  private async loadMonitorsBySlug(slugKeys: string[]): Promise<void> {
    const projectIds = slugKeys.map((key) => Number(key.slice(0, key.indexOf(':'))));
    const slugs = slugKeys.map((key) => key.slice(key.indexOf(':') + 1));
    await this.loadMonitors('(m.project_id, m.slug) IN (SELECT * FROM unnest($1::int[], $2::text[]))', [projectIds, slugs]);
  }

  private async loadMonitors(where: string, params: unknown[]): Promise<void> {
    const rows: MonitorRow[] = await this.dataSource.query(`${MONITORS_SQL} WHERE ${where}`, params);
    for (const row of rows) this.snapshot.putMonitor(toMonitor(row));
  }

  /** A pool that could not connect at start (Postgres was down) connects when the listener found Postgres back. */
  private async ensureConnected(): Promise<void> {
    if (this.dataSource.isInitialized) return;
    await this.dataSource.initialize().catch((error: unknown) => {
      if (!this.dataSource.isInitialized) throw error;
    });
  }

  private async reloadAll(): Promise<void> {
    await this.ensureConnected();
    const started = Date.now();
    const [projects, keys, monitors] = await Promise.all([
      this.dataSource.query<ProjectRow[]>(PROJECTS_SQL),
      this.dataSource.query<KeyRow[]>(KEYS_SQL),
      this.dataSource.query<MonitorRow[]>(MONITORS_SQL),
    ]);
    const next = new CatalogSnapshot();
    for (const row of projects) next.putProject(toProject(row));
    for (const row of keys) next.putKey(toKey(row));
    for (const row of monitors) next.putMonitor(toMonitor(row));
    this.snapshot = next;
    this.misses.clear();
    this.loaded = true;
    this.fromPostgres = true;
    this.logger.info({ ...next.sizes, ms: Date.now() - started }, 'configuration view loaded');
  }

  private async applyChange(change: ConfigChange): Promise<void> {
    if (change.table === 'projects') return this.refreshProject(change.id);
    if (change.table === 'project_keys') {
      const rows: KeyRow[] = await this.dataSource.query(`${KEYS_SQL} WHERE id = $1`, [Number(change.id)]);
      if (rows[0]) this.snapshot.putKey(toKey(rows[0]));
      else this.snapshot.removeKey(Number(change.id));
      return;
    }
    const rows: MonitorRow[] = await this.dataSource.query(`${MONITORS_SQL} WHERE m.id = $1`, [change.id]);
    if (rows[0]) this.rememberMonitor(toMonitor(rows[0]));
    else this.snapshot.removeMonitor(change.id);
  }

  private async refreshProject(id: string): Promise<void> {
    const rows: ProjectRow[] = await this.dataSource.query(`${PROJECTS_SQL} WHERE id = $1`, [Number(id)]);
    if (rows[0]) this.snapshot.putProject(toProject(rows[0]));
    else this.snapshot.removeProject(Number(id));
  }
}
