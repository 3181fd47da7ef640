import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, TEST_ENV, testSlot } from '@vigil/testing';

const run = promisify(execFile);

/**
 * A Kafka broker of one spec's own, for the specs that stop and restart a broker: deploy/local/stack.sh with a stack
 * directory and ports of its own (the test slot's ingest port + 90 and + 91), so the stack's shared broker keeps
 * serving every spec that runs beside them (`make test` runs the end-to-end tier as two shards at once). The spec
 * passes `brokers` as VIGIL_KAFKA_BROKERS to what it starts.
 */
export class PrivateKafka {
  private constructor(
    readonly brokers: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateKafka> {
    const port = Number(TEST_ENV['VIGIL_INGEST_PORT']) + 90;
    const stacks = process.env['VIGIL_STACK_DIR'] ?? join(REPO_ROOT, '.stack');
    const dir = join(stacks, `private-kafka-slot${testSlot()}`);
    // A directory left by a killed run would restore its topics: start from nothing.
    await rm(dir, { recursive: true, force: true });
    const env = { ...process.env, VIGIL_STACK_DIR: dir, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1) };
    const kafka = new PrivateKafka(`127.0.0.1:${port}`, env, dir);
    await kafka.up();
    return kafka;
  }

  /** Starts the broker and returns once it answers (stack.sh waits for it). */
  async up(): Promise<void> {
    await this.stack('up');
  }

  /** Stops the broker (SIGTERM, as an operator's restart would). */
  async down(): Promise<void> {
    await this.stack('down');
  }

  /** Stops the broker and deletes its directory. */
  async destroy(): Promise<void> {
    await this.down();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async stack(action: 'up' | 'down'): Promise<void> {
    try {
      await run('bash', [join(REPO_ROOT, 'deploy/local/stack.sh'), action, 'kafka'], { env: this.env, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`stack.sh ${action} kafka (${this.brokers}) failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
    }
  }
}
