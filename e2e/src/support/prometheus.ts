import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@vigil/testing';
import { toolPath } from './tools';

export interface ScrapeTarget {
  /** The job label Prometheus gives the target's series: the service's name. */
  job: string;
  /** The target's metrics URL (http://host:port/path). */
  url: string;
}

/** One series of an instant query's answer. */
export interface QuerySample {
  labels: Record<string, string>;
  value: number;
}

/**
 * A real Prometheus (the one `make tools` builds) on loopback, scraping the given targets every 2 seconds into a
 * storage directory of its own, deleted on `stop`. Tests ask it through its HTTP query API, as a dashboard would.
 */
export class Prometheus {
  private output = '';

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(targets: readonly ScrapeTarget[], port: number, options: { ruleFiles?: readonly string[] } = {}): Promise<Prometheus> {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-prometheus-'));
    // YAML is a superset of JSON: the configuration is written as JSON.
    const config = {
      global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s' },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: targets.map((target) => {
        const url = new URL(target.url);
        return { job_name: target.job, metrics_path: url.pathname, scheme: url.protocol.replace(':', ''), static_configs: [{ targets: [url.host] }] };
      }),
    };
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const child = spawn(
      toolPath('prometheus'),
      [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const prometheus = new Prometheus(`http://127.0.0.1:${port}`, child, dir);
    try {
      await waitFor('prometheus to be ready', async () => (await fetch(`${prometheus.url}/-/ready`)).ok, { timeoutMs: 30000, intervalMs: 200 });
    } catch (error) {
      await prometheus.stop();
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- prometheus output ---\n${prometheus.output}`);
    }
    return prometheus;
  }

  /** An instant query (PromQL) now; throws with Prometheus' error when the query fails. */
  async query(expression: string): Promise<QuerySample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success' || !body.data) throw new Error(`query ${expression}: ${body.error ?? response.status}`);
    if (body.data.resultType !== 'vector') throw new Error(`query ${expression}: a ${body.data.resultType}, not a vector`);
    return body.data.result.map((sample) => ({ labels: sample.metric, value: Number(sample.value[1]) }));
  }

  /** The value of a query that yields one series, or null when it yields none. */
  async value(expression: string): Promise<number | null> {
    const samples = await this.query(expression);
    if (samples.length > 1) throw new Error(`query ${expression}: ${samples.length} series, expected at most one`);
    return samples[0]?.value ?? null;
  }

  get logs(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
