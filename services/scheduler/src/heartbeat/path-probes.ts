import { CONSUMER_GROUPS } from '@vigil/contracts';
import { committedGroupLag } from '@vigil/kafka';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { FinishedNotifications } from './self-heartbeat';

/** The consuming services after the scheduler on a check-in's path; the scheduler's own lag comes from its consumer. */
const DOWNSTREAM_GROUPS = [CONSUMER_GROUPS.issues, CONSUMER_GROUPS.notifier, CONSUMER_GROUPS.history] as const;

/** Reads the downstream consumer groups' lag from the broker for the self-heartbeat, on one admin connection. */
export class DownstreamLagProbe {
  private admin: Admin | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
  ) {}

  /** Each group's messages not yet read (committed offsets against the partitions' ends). Rejects when Kafka does not answer. */
  async read(): Promise<Array<{ group: string; messages: number }>> {
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect(); // kafkajs: a no-op once connected
      const admin = this.admin;
      return await Promise.all(
        DOWNSTREAM_GROUPS.map(async (group) => ({
          group,
          messages: (await committedGroupLag(admin, `${this.prefix}${group}`)).reduce((sum, lag) => sum + lag.messages, 0),
        })),
      );
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}

/** Alert deliveries (test notifications left out) that finished in the last `windowMs`, from the notifier's ledger. */
export async function finishedNotifications(db: Pick<DataSource, 'query'>, windowMs: number): Promise<FinishedNotifications> {
  const rows: Array<{ succeeded: string; dead: string; dead_integrations: string }> = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
            count(*) FILTER (WHERE status = 'dead') AS dead,
            count(DISTINCT integration_id) FILTER (WHERE status = 'dead') AS dead_integrations
       FROM deliveries
      WHERE status IN ('succeeded', 'dead') AND kind <> 'test' AND updated_at > now() - make_interval(secs => $1)`,
    [windowMs / 1000],
  );
  const row = rows[0];
  return { succeeded: Number(row?.succeeded ?? 0), dead: Number(row?.dead ?? 0), deadIntegrations: Number(row?.dead_integrations ?? 0) };
}
