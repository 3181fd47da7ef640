import type { ClickHouse } from './clickhouse-client';
import { sql } from './sql';

/** A ClickHouse server's release, from `SELECT version()` ('18.16.1', '26.9.2.1'). */
export interface ServerVersion {
  major: number;
  minor: number;
  text: string;
}

/**
 * The first release Vigil treats as current ClickHouse: TTL (19.6), column codecs (19.x) and LowCardinality as a
 * routine type (experimental before 19.x) are all there, in the first long-term-support release that has them
 * all. Older servers (Debian's 18.16) take the other path: no codecs, plain String, retention by dropping monthly
 * partitions. Migrations that need more name their own floor (`-- requires ClickHouse 20.3`).
 */
export const CURRENT_CLICKHOUSE = { major: 20, minor: 3 } as const;

export function parseServerVersion(text: string): ServerVersion {
  const match = /^(\d+)\.(\d+)(?:\.\d+)*$/.exec(text.trim());
  if (!match) throw new Error(`ClickHouse reported version "${text}", which is not <major>.<minor>[.<patch>...]`);
  return { major: Number(match[1]), minor: Number(match[2]), text: text.trim() };
}

export function atLeast(version: Pick<ServerVersion, 'major' | 'minor'>, floor: { major: number; minor: number }): boolean {
  return version.major > floor.major || (version.major === floor.major && version.minor >= floor.minor);
}

export async function serverVersion(clickhouse: ClickHouse): Promise<ServerVersion> {
  const [row] = await clickhouse.query<{ version: string }>(sql`SELECT version() AS version`);
  if (!row) throw new Error('ClickHouse answered SELECT version() with no row');
  return parseServerVersion(row.version);
}
