import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The load generator. It runs in a process of its own (`runLoad` forks this file), so it never shares an
 * event loop with the server it measures.
 *
 * - closed loop: autocannon with N connections, each sending its next request when the last one is answered;
 *   the maximum throughput.
 * - open loop: requests leave on a fixed schedule whatever the server does (one every 1/rate s, over a pool of
 *   keep-alive connections); latency is counted from the scheduled send time, so a stalled server cannot hide
 *   its queue (no coordinated omission). autocannon's own rate limit sends each second's quota in a burst at
 *   the start of the second, which measures something else, hence this small generator.
 */

/** Placeholder in a body template, replaced by a fresh 32-hex-digit UUID in every request. */
export const UUID_PLACEHOLDER = '{{uuid}}';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** The body; every `{{uuid}}` in it becomes a new UUID per request. */
  bodyTemplate?: string;
}

interface CommonSpec {
  /** http://host:port */
  origin: string;
  request: LoadRequest;
  connections: number;
  warmupSec: number;
  durationSec: number;
}

export interface ClosedLoopSpec extends CommonSpec {
  kind: 'closed';
}

export interface OpenLoopSpec extends CommonSpec {
  kind: 'open';
  /** Requests per second offered. */
  rate: number;
}

export type LoadSpec = ClosedLoopSpec | OpenLoopSpec;

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  kind: LoadSpec['kind'];
  /** Seconds from the first request of the measured window to its last answer. */
  seconds: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** 2xx answers per second. */
  okPerSecond: number;
  /** Of the 2xx answers, in milliseconds. */
  latency: Latency;
  statusCodes: Record<string, number>;
  /** 2xx answers during the warm-up (not part of the figures above). */
  warmupOk: number;
}

type Message = { type: 'result'; result: LoadResult } | { type: 'error'; message: string };

function bodyFactory(template: string | undefined): (() => string) | undefined {
  if (template === undefined) return undefined;
  const parts = template.split(UUID_PLACEHOLDER);
  if (parts.length === 1) return () => template;
  return () => parts.join(randomUUID().replace(/-/g, ''));
}

export function latencyOf(samples: Float64Array): Latency {
  if (samples.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN, mean: sum / sorted.length };
}

/** A growable list of numbers without boxing. */
export class Samples {
  private data = new Float64Array(1 << 16);
  private size = 0;

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  get values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}

async function closedLoop(spec: ClosedLoopSpec, durationSec: number): Promise<LoadResult> {
  const body = bodyFactory(spec.request.bodyTemplate);
  const latencies = new Samples();
  const statusCodes: Record<string, number> = {};
  const baseRequest: autocannon.Request = { method: spec.request.method, path: spec.request.path, headers: spec.request.headers };
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: spec.origin,
      connections: spec.connections,
      pipelining: 1,
      duration: durationSec,
      method: spec.request.method,
      headers: spec.request.headers,
      requests: [body ? { ...baseRequest, setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) } : baseRequest],
    },
    (error: Error | null, result: autocannon.Result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client: autocannon.Client, statusCode: number, _bytes: number, responseTime: number) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await done;
  const ok = result['2xx'];
  return {
    kind: 'closed',
    seconds: result.duration,
    sent: result.requests.sent,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    okPerSecond: ok / result.duration,
    latency: latencyOf(latencies.values),
    statusCodes,
    warmupOk: 0,
  };
}

async function openLoop(spec: OpenLoopSpec, durationSec: number, agent: Agent): Promise<LoadResult> {
  const body = bodyFactory(spec.request.bodyTemplate);
  const origin = new URL(spec.origin);
  const total = Math.round(spec.rate * durationSec);
  const intervalMs = 1000 / spec.rate;
  const latencies = new Samples();
  const statusCodes: Record<string, number> = {};
  let sent = 0;
  let finished = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let lastAnswer = 0;
  const start = performance.now();

  return new Promise<LoadResult>((resolve) => {
    const settle = () => {
      finished += 1;
      if (finished < total) return;
      const seconds = (lastAnswer - start) / 1000;
      resolve({ kind: 'open', seconds, sent, ok, non2xx, errors, okPerSecond: ok / seconds, latency: latencyOf(latencies.values), statusCodes, warmupOk: 0 });
    };
    const fire = (scheduled: number) => {
      const payload = body?.();
      const headers: Record<string, string | number> = { ...spec.request.headers };
      if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
      const req = request({ agent, host: origin.hostname, port: origin.port, method: spec.request.method, path: spec.request.path, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          const now = performance.now();
          lastAnswer = now;
          const status = res.statusCode ?? 0;
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status >= 200 && status < 300) {
            ok += 1;
            latencies.push(now - scheduled);
          } else {
            non2xx += 1;
          }
          settle();
        });
      });
      req.setTimeout(10000, () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', () => {
        errors += 1;
        lastAnswer = performance.now();
        settle();
      });
      req.end(payload);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        fire(start + sent * intervalMs);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, 0);
    };
    tick();
  });
}

async function measure(spec: LoadSpec): Promise<LoadResult> {
  if (spec.kind === 'closed') {
    const warmupOk = spec.warmupSec > 0 ? (await closedLoop(spec, spec.warmupSec)).ok : 0;
    return { ...(await closedLoop(spec, spec.durationSec)), warmupOk };
  }
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  try {
    const warmupOk = spec.warmupSec > 0 ? (await openLoop(spec, spec.warmupSec, agent)).ok : 0;
    return { ...(await openLoop(spec, spec.durationSec, agent)), warmupOk };
  } finally {
    agent.destroy();
  }
}

/** Runs one measurement in a load-generator process of its own. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = fork(__filename, ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (message: Message) => {
      settled = true;
      if (message.type === 'result') resolve(message.result);
      else reject(new Error(`load generator: ${message.message}`));
      child.disconnect();
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with ${code} before reporting`));
    });
    child.send(spec);
  });
}

if (process.argv.includes('--load-generator') && process.send) {
  process.once('message', (spec: LoadSpec) => {
    measure(spec).then(
      (result) => process.send?.({ type: 'result', result } satisfies Message),
      (error: unknown) => process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Message),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
