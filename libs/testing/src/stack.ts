import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { kafkaBrokers, loadConfig } from '@vigil/config';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

function hostPort(address: string): { host: string; port: number } {
  const url = /^[a-z]+:\/\//.test(address) ? new URL(address) : new URL(`tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}

function reachable(address: string, timeoutMs = 1000): Promise<boolean> {
  const { host, port } = hostPort(address);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function dockerAvailable(): Promise<boolean> {
  if (!existsSync('/var/run/docker.sock') && !process.env['DOCKER_HOST']) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Starts Kafka, Postgres and ClickHouse in containers and points this process's env at them. */
async function startWithTestcontainers(): Promise<void> {
  const [{ KafkaContainer }, { PostgreSqlContainer }, { ClickHouseContainer }] = await Promise.all([
    import('@testcontainers/kafka'),
    import('@testcontainers/postgresql'),
    import('@testcontainers/clickhouse'),
  ]);
  const [kafka, postgres, clickhouse] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new PostgreSqlContainer('postgres:15').withUsername('vigil').withPassword('vigil').withDatabase('vigil_test').start(),
    new ClickHouseContainer('clickhouse/clickhouse-server:24.8').start(),
  ]);
  process.env['VIGIL_KAFKA_BROKERS'] = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  process.env['VIGIL_TEST_POSTGRES_URL'] = postgres.getConnectionUri();
  process.env['VIGIL_CLICKHOUSE_URL'] = clickhouse.getHttpUrl();
  process.env['VIGIL_CLICKHOUSE_USER'] = clickhouse.getUsername();
  process.env['VIGIL_CLICKHOUSE_PASSWORD'] = clickhouse.getPassword();
}

/**
 * Makes sure Kafka, Postgres and ClickHouse answer at the configured addresses. The one helper both
 * paths go through: the native stack (`deploy/local/stack.sh`, what `make up` starts) on machines without
 * Docker, testcontainers where a Docker engine runs and VIGIL_TEST_STACK=testcontainers asks for it.
 * Fails loudly when neither can be had: tests never silently skip.
 */
export async function ensureStack(): Promise<'running' | 'native' | 'testcontainers'> {
  const config = loadConfig();
  const addresses = [kafkaBrokers(config)[0] ?? '', config.VIGIL_POSTGRES_URL, config.VIGIL_CLICKHOUSE_URL];
  if (process.env['VIGIL_TEST_STACK'] === 'testcontainers') {
    if (!(await dockerAvailable())) throw new Error('VIGIL_TEST_STACK=testcontainers, but no Docker engine answers');
    await startWithTestcontainers();
    return 'testcontainers';
  }
  const up = await Promise.all(addresses.map((address) => reachable(address)));
  if (up.every(Boolean)) return 'running';
  execFileSync('bash', [join(REPO_ROOT, 'deploy/local/stack.sh'), 'up'], { stdio: 'inherit' });
  const after = await Promise.all(addresses.map((address) => reachable(address)));
  const down = addresses.filter((_, index) => !after[index]);
  if (down.length > 0) throw new Error(`the test stack did not come up: nothing answers at ${down.join(', ')}`);
  return 'native';
}
