import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { ConfigChangeListener, MONITOR_CONFIG_COLUMNS, type MonitorConfigRow } from '@vigil/db';
import type { Logger } from '@vigil/logging';
import { DataSource } from 'typeorm';
import type { MonitorConfigInput } from '../detection';
import type { DirectoryMonitor } from '../engine/monitor-directory';

export type FeedMonitor = DirectoryMonitor;

interface Row extends MonitorConfigRow {
  id: string;
  slug: string;
  project_id: number;
  organization_id: string;
  dropped: Array<[string, number | string]> | null;
}

// Dropped environments ride along as [[environment, epoch ms], ...]: few monitors have any.
const SELECT = `SELECT m.id, m.slug, m.project_id, p.organization_id, ${MONITOR_CONFIG_COLUMNS.map((column) => `m.${column}`).join(', ')}, d.dropped
  FROM monitors m JOIN projects p ON p.id = m.project_id
  LEFT JOIN (SELECT monitor_id, json_agg(json_build_array(environment, (extract(epoch FROM dropped_at) * 1000)::bigint)) AS dropped
               FROM monitor_environments WHERE dropped_at IS NOT NULL GROUP BY monitor_id) d ON d.monitor_id = m.id`;

export function toFeedMonitor(row: Row): FeedMonitor {
  const schedule: MonitorConfigInput['schedule'] =
    row.schedule_type === 'crontab'
      ? { type: 'crontab', value: row.schedule_crontab ?? '', timezone: row.timezone }
      : { type: 'interval', value: Number(row.schedule_interval_value), unit: row.schedule_interval_unit ?? 'day' };
  return {
    id: row.id,
    identity: { organization_id: row.organization_id, project_id: Number(row.project_id), monitor_slug: row.slug },
    config: {
      schedule,
      checkinMarginMinutes: row.checkin_margin === null ? null : Number(row.checkin_margin),
      maxRuntimeMinutes: row.max_runtime === null ? null : Number(row.max_runtime),
      status: row.status,
      timeoutFromMargin: row.timeout_from_margin,
    },
    ...(row.dropped ? { dropped: new Map(row.dropped.map(([environment, at]) => [environment, Number(at)])) } : {}),
  };
}

export interface MonitorFeedHandlers {
  /** Every monitor, read in full (at start and after every reconnect). */
  onAll: (monitors: FeedMonitor[]) => Promise<void>;
  /** One monitor changed (or was deleted: null). */
  onOne: (id: string, monitor: FeedMonitor | null) => Promise<void>;
}

/** Monitor configuration for detection: read from Postgres, kept current by LISTEN/NOTIFY. */
@Injectable()
export class MonitorFeed implements OnApplicationShutdown {
  private listener: ConfigChangeListener | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async start(handlers: MonitorFeedHandlers): Promise<void> {
    this.listener = new ConfigChangeListener(
      this.config.VIGIL_POSTGRES_URL,
      {
        onConnected: async () => {
          const rows: Row[] = await this.dataSource.query(SELECT);
          await handlers.onAll(rows.map(toFeedMonitor));
          this.logger.info({ monitors: rows.length }, 'monitor configuration loaded');
        },
        onChange: async (change) => {
          if (change.table !== 'monitors') return;
          const [monitor] = await this.load([change.id]);
          await handlers.onOne(change.id, monitor ?? null);
        },
      },
      this.logger.child({ component: 'monitor-feed' }),
    );
    await this.listener.start();
  }

  /** These monitors as Postgres has them now (a deleted one is absent). */
  async load(monitorIds: readonly string[]): Promise<FeedMonitor[]> {
    const rows: Row[] = await this.dataSource.query(`${SELECT} WHERE m.id = ANY($1::uuid[])`, [monitorIds]);
    return rows.map(toFeedMonitor);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
  }
}
