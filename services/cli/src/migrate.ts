import { migrateClickHouse, pendingClickHouseMigrations } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import { createDataSource, pendingMigrations, runMigrations } from '@vigil/db';
import { createKafkaClient, ensureTopics, missingTopics } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';

export const STORES = ['postgres', 'clickhouse', 'kafka'] as const;
export type Store = (typeof STORES)[number];

/** One store after `vigil migrate` or `vigil migrate --check`: what was applied, or what is still missing. */
export interface StoreReport {
  store: Store;
  /** migrate: what it applied or created. check: what is missing (empty: current). */
  items: string[];
  /** The store could not be reached or refused the work. */
  error?: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function postgres<T>(config: VigilConfig, work: (dataSource: ReturnType<typeof createDataSource>) => Promise<T>): Promise<T> {
  const dataSource = createDataSource(config, { poolSize: 1 });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function kafka(config: VigilConfig) {
  return createKafkaClient(config, 'vigil-migrate', createLogger('migrate', 'error'));
}

const APPLY: Record<Store, (config: VigilConfig) => Promise<string[]>> = {
  postgres: (config) => postgres(config, runMigrations),
  clickhouse: (config) => migrateClickHouse(config),
  kafka: (config) => ensureTopics(kafka(config), config.VIGIL_KAFKA_TOPIC_PREFIX, config.VIGIL_KAFKA_REPLICATION_FACTOR),
};

const PENDING: Record<Store, (config: VigilConfig) => Promise<string[]>> = {
  postgres: (config) => postgres(config, pendingMigrations),
  clickhouse: (config) => pendingClickHouseMigrations(config),
  kafka: (config) => missingTopics(kafka(config), config.VIGIL_KAFKA_TOPIC_PREFIX),
};

/**
 * Applies every store's migrations, in order (Postgres, ClickHouse, Kafka topics); stops at the first store that
 * fails, since the next run repeats what was done and finishes the rest.
 */
export async function migrate(config: VigilConfig): Promise<StoreReport[]> {
  const reports: StoreReport[] = [];
  for (const store of STORES) {
    try {
      reports.push({ store, items: await APPLY[store](config) });
    } catch (error) {
      reports.push({ store, items: [], error: message(error) });
      break;
    }
  }
  return reports;
}

/** What each store lacks, read only; the three are asked side by side. */
export async function checkMigrations(config: VigilConfig): Promise<StoreReport[]> {
  return Promise.all(
    STORES.map(async (store): Promise<StoreReport> => {
      try {
        return { store, items: await PENDING[store](config) };
      } catch (error) {
        return { store, items: [], error: message(error) };
      }
    }),
  );
}

export function isCurrent(reports: readonly StoreReport[]): boolean {
  return reports.length === STORES.length && reports.every((report) => report.error === undefined && report.items.length === 0);
}

/** One line per store, as `vigil migrate [--check]` prints them. */
export function describe(reports: readonly StoreReport[], mode: 'migrate' | 'check'): string[] {
  return reports.map((report) => {
    if (report.error !== undefined) return `${report.store}: failed: ${report.error}`;
    if (mode === 'migrate') return report.items.length > 0 ? `${report.store}: applied ${report.items.join(', ')}` : `${report.store}: up to date`;
    return report.items.length > 0 ? `${report.store}: not current, missing ${report.items.join(', ')}` : `${report.store}: current`;
  });
}
