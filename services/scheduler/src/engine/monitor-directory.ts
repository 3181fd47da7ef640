import type { Logger } from '@vigil/logging';
import { MonitorSettingsRegistry, type MonitorConfigInput, type MonitorIdentity, type MonitorSettings } from '../detection';

/** A monitor as the scheduler needs it: who it is (for the events it publishes) and how it is configured. */
export interface DirectoryMonitor {
  id: string;
  identity: MonitorIdentity;
  config: MonitorConfigInput;
}

interface Entry {
  /** Null when the configuration cannot be evaluated (a schedule the engine rejects): such a monitor is held. */
  settings: MonitorSettings | null;
  organizationId: string;
  projectId: number;
  slug: string;
}

/**
 * Every monitor's resolved settings and identity, shared by all of an instance's partition detectors, which
 * look a monitor up the first time they meet it (`settings` is their `SettingsSource`). Entries are small:
 * settings are interned, organization ids shared.
 */
export class MonitorDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly organizations = new Map<string, string>();

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

  /** Adds or replaces a monitor; returns its settings (null if its configuration cannot be evaluated). */
  set(monitor: DirectoryMonitor): MonitorSettings | null {
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
    this.entries.set(monitor.id, { settings, organizationId, projectId: monitor.identity.project_id, slug: monitor.identity.monitor_slug });
    return settings;
  }

  delete(monitorId: string): void {
    this.entries.delete(monitorId);
  }

  /** Replaces every monitor (a full reload); returns the ids that were dropped. */
  replaceAll(monitors: readonly DirectoryMonitor[]): string[] {
    const seen = new Set<string>();
    for (const monitor of monitors) {
      this.set(monitor);
      seen.add(monitor.id);
    }
    const dropped: string[] = [];
    for (const id of this.entries.keys()) if (!seen.has(id)) dropped.push(id);
    for (const id of dropped) this.entries.delete(id);
    return dropped;
  }
}
