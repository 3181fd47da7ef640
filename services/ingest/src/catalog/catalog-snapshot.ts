/** A project as the hot path needs it. */
export interface CatalogProject {
  id: number;
  organizationId: string;
  pingKey: string;
}

import { hashSecret, type MonitorConfigUpdate, type MonitorStatus } from '@vigil/db';

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
 * The view as the snapshot file holds it (decision 0016): every credential (DSN public key, ping key, ping
 * uuid) only as its SHA-256, so the file gives nobody a key; revoked keys are left out.
 */
export interface CatalogRecords {
  projects: Array<{ id: number; organizationId: string; pingKeyHash: string }>;
  keys: Array<{ id: number; publicKeyHash: string; projectId: number }>;
  monitors: Array<Omit<CatalogMonitor, 'pingUuid'> & { pingUuidHash: string }>;
}

/** A credential as the snapshot file holds it. */
export const credentialHash = hashSecret;

/**
 * The projects, active DSN keys and monitors ingest answers from, in memory and indexed the ways requests
 * name them. Pure: loading and change notifications live in `IngestCatalog`.
 *
 * A view read from the snapshot file knows credentials only by their hash (`sealed*`): a request's credential
 * missing from the plain indexes is hashed and looked up there, and once found it is indexed plainly, so each
 * credential costs one hash, on its first request after a start from the file.
 */
export class CatalogSnapshot {
  /** Grows with every change, so the file writer knows whether there is anything new to write. */
  version = 0;
  private readonly sealedProjectByPingKey = new Map<string, number>();
  private readonly sealedKeys = new Map<string, { id: number; projectId: number }>();
  private readonly sealedMonitorByPingUuid = new Map<string, string>();

  private readonly projects = new Map<number, CatalogProject>();
  private readonly projectByPingKey = new Map<string, number>();
  private readonly keysById = new Map<number, CatalogKey>();
  private readonly keyByPublicKey = new Map<string, CatalogKey>();
  private readonly monitorsById = new Map<string, CatalogMonitor>();
  private readonly monitorBySlug = new Map<string, string>();
  private readonly monitorByPingUuid = new Map<string, string>();

  get sizes(): { projects: number; keys: number; monitors: number } {
    return { projects: this.projects.size, keys: this.keyByPublicKey.size + this.sealedKeys.size, monitors: this.monitorsById.size };
  }

  project(id: number): CatalogProject | undefined {
    return this.projects.get(id);
  }

  projectByPing(pingKey: string): CatalogProject | undefined {
    const id = this.projectByPingKey.get(pingKey) ?? this.unsealProject(pingKey);
    return id === undefined ? undefined : this.projects.get(id);
  }

  /** The project an active key belongs to, if that is the project the request named. */
  activeKey(projectId: number, publicKey: string): CatalogProject | undefined {
    const key = this.keyByPublicKey.get(publicKey) ?? this.unsealKey(publicKey);
    if (!key || key.revoked || key.projectId !== projectId) return undefined;
    return this.projects.get(projectId);
  }

  monitorBySlugIn(projectId: number, slug: string): CatalogMonitor | undefined {
    const id = this.monitorBySlug.get(`${projectId}:${slug}`);
    return id === undefined ? undefined : this.monitorsById.get(id);
  }

  monitorByPing(pingUuid: string): CatalogMonitor | undefined {
    const id = this.monitorByPingUuid.get(pingUuid) ?? this.unsealMonitor(pingUuid);
    return id === undefined ? undefined : this.monitorsById.get(id);
  }

  /** The view as the snapshot file holds it; `hash` may remember hashes from one write to the next. */
  toRecords(hash: (credential: string) => string = credentialHash): CatalogRecords {
    return {
      projects: [...this.projects.values()]
        .filter((project) => project.pingKey !== '')
        .map((project) => ({ id: project.id, organizationId: project.organizationId, pingKeyHash: hash(project.pingKey) })),
      keys: [...this.keysById.values()]
        .filter((key) => !key.revoked)
        .map((key) => ({ id: key.id, publicKeyHash: hash(key.publicKey), projectId: key.projectId })),
      monitors: [...this.monitorsById.values()]
        .filter((monitor) => monitor.pingUuid !== '')
        .map(({ pingUuid, ...rest }) => ({ ...rest, pingUuidHash: hash(pingUuid) })),
    };
  }

  /** A view of what a snapshot file held: credentials known by their hashes until a request names them. */
  static fromRecords(records: CatalogRecords): CatalogSnapshot {
    const snapshot = new CatalogSnapshot();
    for (const project of records.projects) {
      snapshot.projects.set(project.id, { id: project.id, organizationId: project.organizationId, pingKey: '' });
      snapshot.sealedProjectByPingKey.set(project.pingKeyHash, project.id);
    }
    for (const key of records.keys) snapshot.sealedKeys.set(key.publicKeyHash, { id: key.id, projectId: key.projectId });
    for (const { pingUuidHash, ...monitor } of records.monitors) {
      snapshot.putMonitor({ ...monitor, pingUuid: '' });
      snapshot.sealedMonitorByPingUuid.set(pingUuidHash, monitor.id);
    }
    return snapshot;
  }

  putProject(project: CatalogProject): void {
    this.version += 1;
    const previous = this.projects.get(project.id);
    if (previous && previous.pingKey !== project.pingKey) this.projectByPingKey.delete(previous.pingKey);
    this.projects.set(project.id, project);
    this.projectByPingKey.set(project.pingKey, project.id);
  }

  removeProject(id: number): void {
    const previous = this.projects.get(id);
    if (!previous) return;
    this.version += 1;
    this.projects.delete(id);
    if (this.projectByPingKey.get(previous.pingKey) === id) this.projectByPingKey.delete(previous.pingKey);
  }

  putKey(key: CatalogKey): void {
    this.version += 1;
    const previous = this.keysById.get(key.id);
    if (previous && previous.publicKey !== key.publicKey) this.keyByPublicKey.delete(previous.publicKey);
    this.keysById.set(key.id, key);
    this.keyByPublicKey.set(key.publicKey, key);
  }

  removeKey(id: number): void {
    const previous = this.keysById.get(id);
    if (!previous) return;
    this.version += 1;
    this.keysById.delete(id);
    if (this.keyByPublicKey.get(previous.publicKey)?.id === id) this.keyByPublicKey.delete(previous.publicKey);
  }

  putMonitor(monitor: CatalogMonitor): void {
    this.removeMonitor(monitor.id);
    this.version += 1;
    this.monitorsById.set(monitor.id, monitor);
    this.monitorBySlug.set(`${monitor.projectId}:${monitor.slug}`, monitor.id);
    if (monitor.pingUuid !== '') this.monitorByPingUuid.set(monitor.pingUuid, monitor.id);
  }

  removeMonitor(id: string): void {
    const previous = this.monitorsById.get(id);
    if (!previous) return;
    this.version += 1;
    this.monitorsById.delete(id);
    const slugKey = `${previous.projectId}:${previous.slug}`;
    if (this.monitorBySlug.get(slugKey) === id) this.monitorBySlug.delete(slugKey);
    if (this.monitorByPingUuid.get(previous.pingUuid) === id) this.monitorByPingUuid.delete(previous.pingUuid);
  }

  private unsealProject(pingKey: string): number | undefined {
    if (this.sealedProjectByPingKey.size === 0) return undefined;
    const hash = credentialHash(pingKey);
    const id = this.sealedProjectByPingKey.get(hash);
    const project = id === undefined ? undefined : this.projects.get(id);
    if (!project) return undefined;
    this.sealedProjectByPingKey.delete(hash);
    this.putProject({ ...project, pingKey });
    return project.id;
  }

  private unsealKey(publicKey: string): CatalogKey | undefined {
    if (this.sealedKeys.size === 0) return undefined;
    const hash = credentialHash(publicKey);
    const sealed = this.sealedKeys.get(hash);
    if (!sealed) return undefined;
    this.sealedKeys.delete(hash);
    const key: CatalogKey = { ...sealed, publicKey, revoked: false };
    this.putKey(key);
    return key;
  }

  private unsealMonitor(pingUuid: string): string | undefined {
    if (this.sealedMonitorByPingUuid.size === 0) return undefined;
    const hash = credentialHash(pingUuid);
    const id = this.sealedMonitorByPingUuid.get(hash);
    const monitor = id === undefined ? undefined : this.monitorsById.get(id);
    if (!monitor) return undefined;
    this.sealedMonitorByPingUuid.delete(hash);
    this.putMonitor({ ...monitor, pingUuid });
    return monitor.id;
  }
}
