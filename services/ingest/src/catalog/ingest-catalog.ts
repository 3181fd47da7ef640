import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { ConfigChangeListener, MONITOR_CONFIG_COLUMNS, type ConfigChange, type MonitorConfigRow } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import type { Logger } from '@vigil/logging';
import { DataSource } from 'typeorm';
import { configFromRow } from '@vigil/db';
import { CatalogSnapshot, type CatalogKey, type CatalogMonitor, type CatalogProject } from './catalog-snapshot';

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

/** How long "not in Postgres either" is remembered, so a flood of unknown keys or slugs costs one query each. */
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

/**
 * Ingest's in-memory view of projects, DSN keys and monitors. It is read in full at start, kept current by
 * Postgres LISTEN/NOTIFY (one row re-read per committed change), re-read in full after every reconnect and
 * every VIGIL_INGEST_VIEW_RESYNC_MS. The hot path never waits for Postgres: known keys and monitors keep
 * working while it is down. Only a miss asks Postgres (a monitor created a moment ago whose notification
 * is still on its way), and misses are remembered briefly.
 */
@Injectable()
export class IngestCatalog implements OnModuleInit, OnApplicationShutdown {
  private snapshot = new CatalogSnapshot();
  private loaded = false;
  private readonly listener: ConfigChangeListener;
  private resyncTimer: NodeJS.Timeout | null = null;
  private readonly misses = new Map<string, number>();

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
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('catalog', async () => this.loaded);
    this.readiness.markInformational('postgres');
    await this.listener.start();
    this.resyncTimer = setInterval(() => void this.listener.enqueue(() => this.reloadAll()).catch(() => undefined), this.config.VIGIL_INGEST_VIEW_RESYNC_MS);
    this.resyncTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.listener.stop();
  }

  /** The project of an active DSN key, or null when the key is unknown, revoked or for another project. */
  async projectForKey(projectId: number, publicKey: string): Promise<CatalogProject | null> {
    const hit = this.snapshot.activeKey(projectId, publicKey);
    if (hit) return hit;
    return this.onMiss(`key:${publicKey}`, async () => {
      const rows: KeyRow[] = await this.dataSource.query(`${KEYS_SQL} WHERE public_key = $1`, [publicKey]);
      for (const row of rows) this.snapshot.putKey(toKey(row));
      if (rows.length > 0 && !this.snapshot.project(projectId)) await this.refreshProject(String(projectId));
      return this.snapshot.activeKey(projectId, publicKey) ?? null;
    });
  }

  async projectForPingKey(pingKey: string): Promise<CatalogProject | null> {
    const hit = this.snapshot.projectByPing(pingKey);
    if (hit) return hit;
    return this.onMiss(`ping-key:${pingKey}`, async () => {
      const rows: ProjectRow[] = await this.dataSource.query(`${PROJECTS_SQL} WHERE ping_key = $1`, [pingKey]);
      for (const row of rows) this.snapshot.putProject(toProject(row));
      return this.snapshot.projectByPing(pingKey) ?? null;
    });
  }

  async monitorBySlug(projectId: number, slug: string): Promise<CatalogMonitor | null> {
    const hit = this.snapshot.monitorBySlugIn(projectId, slug);
    if (hit) return hit;
    return this.onMiss(`slug:${projectId}:${slug}`, async () => {
      const rows: MonitorRow[] = await this.dataSource.query(`${MONITORS_SQL} WHERE m.project_id = $1 AND m.slug = $2`, [projectId, slug]);
      for (const row of rows) this.snapshot.putMonitor(toMonitor(row));
      return this.snapshot.monitorBySlugIn(projectId, slug) ?? null;
    });
  }

  async monitorByPingUuid(pingUuid: string): Promise<CatalogMonitor | null> {
    const hit = this.snapshot.monitorByPing(pingUuid);
    if (hit) return hit;
    return this.onMiss(`ping:${pingUuid}`, async () => {
      const rows: MonitorRow[] = await this.dataSource.query(`${MONITORS_SQL} WHERE m.ping_uuid = $1`, [pingUuid]);
      for (const row of rows) this.snapshot.putMonitor(toMonitor(row));
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

  private async reloadAll(): Promise<void> {
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
