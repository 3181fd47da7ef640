import type { Logger } from '@vigil/logging';
import { Client } from 'pg';

export const CONFIG_CHANGES_CHANNEL = 'vigil_config_changes';
export const CONFIG_TABLES = ['projects', 'project_keys', 'monitors'] as const;
export type ConfigTable = (typeof CONFIG_TABLES)[number];

export interface ConfigChange {
  table: ConfigTable;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  id: string;
}

export interface ConfigChangeHandlers {
  /** One committed row change. */
  onChange: (change: ConfigChange) => Promise<void>;
  /**
   * The listener (re)connected: changes made while it was away were not announced, so the view must be
   * re-read in full. Called after LISTEN is in place, so nothing falls between the two.
   */
  onConnected: () => Promise<void>;
}

/** Parses a notification payload; anything else on the channel is ignored. */
export function parseConfigChange(payload: string | undefined): ConfigChange | null {
  if (!payload) return null;
  try {
    const value = JSON.parse(payload) as Record<string, unknown>;
    const table = value['table'];
    const op = value['op'];
    const id = value['id'];
    if (typeof table !== 'string' || !(CONFIG_TABLES as readonly string[]).includes(table)) return null;
    if (op !== 'INSERT' && op !== 'UPDATE' && op !== 'DELETE') return null;
    if (typeof id !== 'string' || id === '') return null;
    return { table: table as ConfigTable, op, id };
  } catch {
    return null;
  }
}

/**
 * A dedicated Postgres connection that LISTENs for configuration changes and reconnects with back-off when
 * Postgres goes away. Handlers run one at a time, in the order Postgres committed the changes.
 */
export class ConfigChangeListener {
  private client: Client | null = null;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;
  private connected = false;

  constructor(
    private readonly postgresUrl: string,
    private readonly handlers: ConfigChangeHandlers,
    private readonly logger: Logger,
  ) {}

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects, or keeps trying in the background; resolves after the first attempt either way. */
  async start(): Promise<void> {
    await this.connect(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (client) await client.end().catch(() => undefined);
    await this.queue;
  }

  /** Runs work after everything already queued (changes, reloads), one at a time. */
  enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch((error: unknown) => this.logger.error({ err: error }, 'configuration view update failed'));
    return next;
  }

  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.postgresUrl, application_name: 'vigil-config-listener', connectionTimeoutMillis: 3000 });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => {
      if (message.channel !== CONFIG_CHANGES_CHANNEL) return;
      const change = parseConfigChange(message.payload);
      if (change) void this.enqueue(() => this.handlers.onChange(change)).catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CONFIG_CHANGES_CHANNEL}`);
      this.client = client;
      this.connected = true;
      if (attempt > 0) this.logger.info({ attempt }, 'configuration listener reconnected');
      await this.enqueue(() => this.handlers.onConnected()).catch(() => undefined);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.scheduleRetry(attempt + 1, error);
    }
  }

  private lost(client: Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    this.connected = false;
    void client.end().catch(() => undefined);
    this.scheduleRetry(1, error);
  }

  private scheduleRetry(attempt: number, error: unknown): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
    this.logger.warn({ err: error, attempt, retry_in_ms: delay }, 'configuration listener is not connected to Postgres');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(attempt);
    }, delay);
    this.retryTimer.unref();
  }
}
