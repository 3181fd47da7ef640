/** A project as the hot path needs it. */
export interface CatalogProject {
  id: number;
  organizationId: string;
  pingKey: string;
}

import type { MonitorConfigUpdate, MonitorStatus } from '@vigil/db';

/** A monitor as the hot path needs it. */
export interface CatalogMonitor {
  id: string;
  slug: string;
  projectId: number;
  organizationId: string;
  pingUuid: string;
  /** The stored configuration, so an SDK repeating an unchanged monitor_config costs no Postgres write. */
  config: Required<MonitorConfigUpdate>;
  /** `paused` monitors are resumed by a ping that finishes a run, unless `manualResume` (Healthchecks). */
  status: MonitorStatus;
  manualResume: boolean;
}

/** True when every field the update carries already has that value: the upsert would change nothing. */
export function configApplied(monitor: CatalogMonitor, update: MonitorConfigUpdate): boolean {
  return (Object.keys(update) as Array<keyof MonitorConfigUpdate>).every((key) => update[key] === undefined || update[key] === monitor.config[key]);
}

export interface CatalogKey {
  id: number;
  publicKey: string;
  projectId: number;
  revoked: boolean;
}

/**
 * The projects, active DSN keys and monitors ingest answers from, in memory and indexed the ways requests
 * name them. Pure: loading and change notifications live in `IngestCatalog`.
 */
export class CatalogSnapshot {
  private readonly projects = new Map<number, CatalogProject>();
  private readonly projectByPingKey = new Map<string, number>();
  private readonly keysById = new Map<number, CatalogKey>();
  private readonly keyByPublicKey = new Map<string, CatalogKey>();
  private readonly monitorsById = new Map<string, CatalogMonitor>();
  private readonly monitorBySlug = new Map<string, string>();
  private readonly monitorByPingUuid = new Map<string, string>();

  get sizes(): { projects: number; keys: number; monitors: number } {
    return { projects: this.projects.size, keys: this.keyByPublicKey.size, monitors: this.monitorsById.size };
  }

  project(id: number): CatalogProject | undefined {
    return this.projects.get(id);
  }

  projectByPing(pingKey: string): CatalogProject | undefined {
    const id = this.projectByPingKey.get(pingKey);
    return id === undefined ? undefined : this.projects.get(id);
  }

  /** The project an active key belongs to, if that is the project the request named. */
  activeKey(projectId: number, publicKey: string): CatalogProject | undefined {
    const key = this.keyByPublicKey.get(publicKey);
    if (!key || key.revoked || key.projectId !== projectId) return undefined;
    return this.projects.get(projectId);
  }

  monitorBySlugIn(projectId: number, slug: string): CatalogMonitor | undefined {
    const id = this.monitorBySlug.get(`${projectId}:${slug}`);
    return id === undefined ? undefined : this.monitorsById.get(id);
  }

  monitorByPing(pingUuid: string): CatalogMonitor | undefined {
    const id = this.monitorByPingUuid.get(pingUuid);
    return id === undefined ? undefined : this.monitorsById.get(id);
  }

  putProject(project: CatalogProject): void {
    const previous = this.projects.get(project.id);
    if (previous && previous.pingKey !== project.pingKey) this.projectByPingKey.delete(previous.pingKey);
    this.projects.set(project.id, project);
    this.projectByPingKey.set(project.pingKey, project.id);
  }

  removeProject(id: number): void {
    const previous = this.projects.get(id);
    if (!previous) return;
    this.projects.delete(id);
    if (this.projectByPingKey.get(previous.pingKey) === id) this.projectByPingKey.delete(previous.pingKey);
  }

  putKey(key: CatalogKey): void {
    const previous = this.keysById.get(key.id);
    if (previous && previous.publicKey !== key.publicKey) this.keyByPublicKey.delete(previous.publicKey);
    this.keysById.set(key.id, key);
    this.keyByPublicKey.set(key.publicKey, key);
  }

  removeKey(id: number): void {
    const previous = this.keysById.get(id);
    if (!previous) return;
    this.keysById.delete(id);
    if (this.keyByPublicKey.get(previous.publicKey)?.id === id) this.keyByPublicKey.delete(previous.publicKey);
  }

  putMonitor(monitor: CatalogMonitor): void {
    this.removeMonitor(monitor.id);
    this.monitorsById.set(monitor.id, monitor);
    this.monitorBySlug.set(`${monitor.projectId}:${monitor.slug}`, monitor.id);
    this.monitorByPingUuid.set(monitor.pingUuid, monitor.id);
  }

  removeMonitor(id: string): void {
    const previous = this.monitorsById.get(id);
    if (!previous) return;
    this.monitorsById.delete(id);
    const slugKey = `${previous.projectId}:${previous.slug}`;
    if (this.monitorBySlug.get(slugKey) === id) this.monitorBySlug.delete(slugKey);
    if (this.monitorByPingUuid.get(previous.pingUuid) === id) this.monitorByPingUuid.delete(previous.pingUuid);
  }
}
