import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { VigilConfig } from '@vigil/config';
import type { SqlFragment } from './sql';

type ClickHouseSettings = Pick<VigilConfig, 'VIGIL_CLICKHOUSE_URL' | 'VIGIL_CLICKHOUSE_USER' | 'VIGIL_CLICKHOUSE_PASSWORD' | 'VIGIL_CLICKHOUSE_DATABASE'>;

/**
 * The history store. Queries are plain SQL built with `sql` (no server-side parameters, which ClickHouse
 * 18.16 lacks); inserts use JSONEachRow, which every version reads.
 */
export class ClickHouse {
  private constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
  ) {}

  static connect(config: ClickHouseSettings, options: { database?: string | null } = {}): ClickHouse {
    const database = options.database === undefined ? config.VIGIL_CLICKHOUSE_DATABASE : options.database;
    const client = createClient({
      url: config.VIGIL_CLICKHOUSE_URL,
      username: config.VIGIL_CLICKHOUSE_USER,
      password: config.VIGIL_CLICKHOUSE_PASSWORD,
      ...(database ? { database } : {}),
      request_timeout: 30000,
      compression: { request: false, response: false },
    });
    return new ClickHouse(client, database ?? 'default');
  }

  /**
   * The rows of a query. Read as one `JSON` document (the rows in its `data`, as JSONEachRow would give them): the
   * client parses it in one go, where JSONEachRow costs a parse per row (twice the time for the dashboard's
   * thousands of rows, bench:web).
   */
  async query<Row>(query: SqlFragment): Promise<Row[]> {
    const result = await this.client.query({ query: query.text, format: 'JSON' });
    return (await result.json<Row>()).data;
  }

  async command(query: SqlFragment): Promise<void> {
    await this.client.command({ query: query.text });
  }

  async insert<Row extends Record<string, unknown>>(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({ table, values: [...rows], format: 'JSONEachRow' });
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** ClickHouse DateTime text in UTC ('YYYY-MM-DD hh:mm:ss'), the form every version parses. */
export function toClickHouseDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}
