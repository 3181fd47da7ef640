import type { Logger } from '@vigil/logging';
import { MonitorSettingsRegistry, type MonitorConfigInput, type MonitorIdentity, type MonitorSettings } from '../detection';

/** A monitor as the scheduler needs it: who it is (for the events it publishes) and how it is configured. */
export interface DirectoryMonitor {
  id: string;
  identity: MonitorIdentity;
  config: MonitorConfigInput;
  /** Environments dropped through the API, with when (epoch ms); absent or empty: none. */
  dropped?: ReadonlyMap<string, number>;
}

interface Entry {
  /** Null when the configuration cannot be evaluated (a schedule the engine rejects): such a monitor is held. */
  settings: MonitorSettings | null;
  organizationId: string;
  projectId: number;
  slug: string;
  dropped: ReadonlyMap<string, number> | null;
}

const NO_DROPS: ReadonlyMap<string, number> = new Map();

/**
 * Every monitor's resolved settings and identity, shared by all of an instance's partition detectors, which
 * look a monitor up the first time they meet it (`settings` is their `SettingsSource`). Entries are small:
 * settings are interned, organization ids shared.
 */
export class MonitorDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly organizations = new Map<string, string>();
  /** Ids of the monitors with dropped environments (few), so a restore need not walk every monitor. */
  private readonly withDrops = new Set<string>();

  constructor(
    private readonly logger: Logger,
    readonly registry: MonitorSettingsRegistry = new MonitorSettingsRegistry(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The settings detection uses for a monitor, or null (unknown, or not usable). */
  readonly settings = (monitorId: string): MonitorSettings | null => this.entries.get(monitorId)?.settings ?? null;

  identity(monitorId: string): MonitorIdentity | null {
    const entry = this.entries.get(monitorId);
    return entry ? { organization_id: entry.organizationId, project_id: entry.projectId, monitor_slug: entry.slug } : null;
  }

  /** When this environment of the monitor was last dropped (epoch ms), or null: check-ins up to it are ignored. */
  droppedAt(monitorId: string, environment: string): number | null {
    return this.entries.get(monitorId)?.dropped?.get(environment) ?? null;
  }

  /** Monitors with dropped environments. */
  monitorsWithDrops(): ReadonlySet<string> {
    return this.withDrops;
  }

  /** The monitor's dropped environments and when (none: empty). */
  drops(monitorId: string): ReadonlyMap<string, number> {
    return this.entries.get(monitorId)?.dropped ?? NO_DROPS;
  }

  /**
   * Adds or replaces a monitor; returns its settings (null if its configuration cannot be evaluated) and the
   * environments dropped since this directory last saw it (a first sight reports none: see `DetectionEngine.restore`).
   */
  set(monitor: DirectoryMonitor): MonitorSettings | null {
    return this.update(monitor).settings;
  }

  /** `set`, also returning the environments newly dropped (a drop newer than the one this directory had). */
  update(monitor: DirectoryMonitor): { settings: MonitorSettings | null; newlyDropped: Array<[string, number]> } {
    const previous = this.entries.get(monitor.id)?.dropped ?? null;
    const newlyDropped: Array<[string, number]> = [];
    if (previous && monitor.dropped) {
      for (const [environment, at] of monitor.dropped) if ((previous.get(environment) ?? -Infinity) < at) newlyDropped.push([environment, at]);
    } else if (this.entries.has(monitor.id) && monitor.dropped) {
      newlyDropped.push(...monitor.dropped);
    }
    let settings: MonitorSettings | null = null;
    try {
      settings = this.registry.resolve(monitor.config);
    } catch (error) {
      this.logger.error({ err: error, monitor_id: monitor.id }, 'monitor configuration not usable for detection');
    }
    let organizationId = this.organizations.get(monitor.identity.organization_id);
    if (organizationId === undefined) {
      organizationId = monitor.identity.organization_id;
      this.organizations.set(organizationId, organizationId);
    }
    const dropped = monitor.dropped && monitor.dropped.size > 0 ? monitor.dropped : null;
    this.entries.set(monitor.id, { settings, organizationId, projectId: monitor.identity.project_id, slug: monitor.identity.monitor_slug, dropped });
    if (dropped) this.withDrops.add(monitor.id);
    else this.withDrops.delete(monitor.id);
    return { settings, newlyDropped };
  }

  delete(monitorId: string): void {
    this.entries.delete(monitorId);
    this.withDrops.delete(monitorId);
  }

  /**
   * Replaces every monitor (a full reload); returns the ids that were dropped, and the environments dropped
   * since the last load (after a reconnect: drops announced while the listener was away).
   */
  replaceAll(monitors: readonly DirectoryMonitor[]): { removed: string[]; newlyDropped: Map<string, Array<[string, number]>> } {
    const seen = new Set<string>();
    const newlyDropped = new Map<string, Array<[string, number]>>();
    for (const monitor of monitors) {
      const drops = this.update(monitor).newlyDropped;
      if (drops.length > 0) newlyDropped.set(monitor.id, drops);
      seen.add(monitor.id);
    }
    const dropped: string[] = [];
    for (const id of this.entries.keys()) if (!seen.has(id)) dropped.push(id);
    for (const id of dropped) this.delete(id);
    return { removed: dropped, newlyDropped };
  }
}
