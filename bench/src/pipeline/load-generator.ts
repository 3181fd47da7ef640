import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ENVELOPE_CONTENT_TYPE, envelopeBody, sentryAuth } from '../ingest/payloads';
import { latencyOf, Samples } from '../support/load';
import {
  checkinIdOf,
  runFails,
  type FromGenerator,
  type GeneratorInit,
  type GeneratorStep,
  type StepLoad,
  type ToGenerator,
  type VisibilitySample,
} from './protocol';

/**
 * The pipeline bench's load generator, in a process of its own (`LoadGenerator.start` forks this file) so that it
 * never shares an event loop with what it measures. Open loop, as `support/load.ts`: check-in n of a step leaves
 * at `n / rate` seconds whatever ingest does, and its latency counts from that scheduled time, so a stalled ingest
 * cannot hide its queue (no coordinated omission).
 *
 * Every job run is a start and a finish with the same id: `in_progress` then `ok` (or `error`) with one
 * `check_in_id` in a Sentry envelope, or `/start?rid=` then success (or `/fail`) for a ping URL. A slot of the
 * schedule carries the finish of the oldest open run once that run is `runSeconds` old, else the start of a new
 * run, so starts and finishes together leave at exactly `rate`, in alternating blocks of `runSeconds` (every slot
 * while a run is due is a finish); after the step's last slot the open runs finish at their due times. A finish never leaves before its start was answered (ingest would otherwise publish them in
 * either order); waiting for it counts in the finish's latency. Run r goes to monitor r mod M, alternating
 * Sentry monitors and ping URLs, and fails when `runFails(r)` (about 1 %).
 */

interface OpenRun {
  run: number;
  finishDue: number;
  /** Settles when ingest answered the start, whatever it said. */
  started: Promise<void>;
}

class Generator {
  private readonly agent: Agent;
  private readonly origin: URL;
  private readonly auth: string;

  constructor(private readonly init: GeneratorInit) {
    this.agent = new Agent({ keepAlive: true, maxSockets: init.connections, maxFreeSockets: init.connections });
    this.origin = new URL(init.origin);
    this.auth = sentryAuth(init.publicKey);
  }

  run(spec: GeneratorStep, onSample: (sample: VisibilitySample) => void): Promise<StepLoad> {
    const { monitors, idPrefix, sampleEvery } = this.init;
    const intervalMs = 1000 / spec.rate;
    const runMs = this.init.runSeconds * 1000;
    const slots = Math.round(spec.rate * spec.seconds);
    const all = new Samples();
    const pings = new Samples();
    const envelopes = new Samples();
    const statusCodes: Record<string, number> = {};
    const acceptedStarts: number[] = [];
    const acceptedFinishes: number[] = [];
    const failureExamples: string[] = [];
    const open: OpenRun[] = [];
    let signals = 0;
    let answered = 0;
    let ok = 0;
    let non2xx = 0;
    let errors = 0;
    let runs = 0;
    let failuresSent = 0;
    let slow = 0;
    const slowPerSecond = new Map<number, number>();
    let lastAnswer = 0;
    let lastScheduled = 0;
    let slot = 0;
    let scheduleDone = false;
    const begin = performance.now();

    return new Promise<StepLoad>((resolve) => {
      let resolved = false;
      const tryResolve = () => {
        // Done when the schedule is through, every run's finish has left (a finish waits for its start's answer)
        // and every check-in was answered.
        if (resolved || !scheduleDone || signals < runs * 2 || answered < signals) return;
        resolved = true;
        resolve({
          step: spec.step,
          rate: spec.rate,
          scheduled: signals,
          runs,
          ok,
          non2xx,
          errors,
          statusCodes,
          firstScheduledAt: performance.timeOrigin + begin,
          lastAnswerAt: performance.timeOrigin + lastAnswer,
          scheduleSeconds: (lastScheduled - begin) / 1000,
          latency: latencyOf(all.values),
          latencyPing: latencyOf(pings.values),
          latencyEnvelope: latencyOf(envelopes.values),
          slow,
          worstSecond: [...slowPerSecond].reduce((worst, [second, count]) => (count > worst.slow ? { second, slow: count } : worst), { second: 0, slow: 0 }),
          acceptedStarts,
          acceptedFinishes,
          failuresSent,
          failureExamples,
        });
      };
      const settle = () => {
        answered += 1;
        tryResolve();
      };

      const send = (run: number, phase: 'start' | 'finish', scheduled: number): Promise<void> => {
        const index = signals++;
        lastScheduled = Math.max(lastScheduled, scheduled);
        const monitor = monitors[run % monitors.length]!;
        const checkinId = checkinIdOf(idPrefix, spec.step, run);
        const status = phase === 'start' ? 'in_progress' : runFails(run) ? 'error' : 'ok';
        if (status === 'error') failuresSent += 1;
        let method: 'GET' | 'POST';
        let path: string;
        let body: string | undefined;
        const headers: Record<string, string | number> = {};
        if (monitor.kind === 'sentry') {
          method = 'POST';
          path = `/api/${this.init.projectId}/envelope/`;
          const checkIn: Record<string, unknown> = { check_in_id: checkinId, monitor_slug: monitor.slug, status, environment: 'production' };
          if (phase === 'finish') checkIn['duration'] = this.init.runSeconds;
          body = envelopeBody(checkIn);
          headers['content-type'] = ENVELOPE_CONTENT_TYPE;
          headers['x-sentry-auth'] = this.auth;
          headers['content-length'] = Buffer.byteLength(body);
        } else {
          method = 'GET';
          const suffix = phase === 'start' ? '/start' : status === 'error' ? '/fail' : '';
          path = `/ping/${monitor.pingUuid ?? ''}${suffix}?rid=${checkinId}`;
        }
        const latencies = monitor.kind === 'sentry' ? envelopes : pings;
        return new Promise<void>((done) => {
          const req = request({ agent: this.agent, host: this.origin.hostname, port: this.origin.port, method, path, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const now = performance.now();
              lastAnswer = Math.max(lastAnswer, now);
              const code = res.statusCode ?? 0;
              statusCodes[code] = (statusCodes[code] ?? 0) + 1;
              if (code >= 200 && code < 300) {
                ok += 1;
                all.push(now - scheduled);
                latencies.push(now - scheduled);
                if (now - scheduled > spec.slowMs) {
                  slow += 1;
                  const second = Math.floor((scheduled - begin) / 1000);
                  slowPerSecond.set(second, (slowPerSecond.get(second) ?? 0) + 1);
                }
                (phase === 'start' ? acceptedStarts : acceptedFinishes).push(run);
                if (index % sampleEvery === 0) onSample({ slug: monitor.slug, checkinId, status, ackAt: performance.timeOrigin + now });
              } else {
                non2xx += 1;
                if (failureExamples.length < 5) failureExamples.push(`${method} ${path}: ${code} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`);
              }
              done();
              settle();
            });
          });
          req.setTimeout(10000, () => req.destroy(new Error('no answer within 10 s')));
          req.on('error', (error) => {
            errors += 1;
            lastAnswer = Math.max(lastAnswer, performance.now());
            if (failureExamples.length < 5) failureExamples.push(`${method} ${path}: ${error.message}`);
            done();
            settle();
          });
          req.end(body);
        });
      };

      const finish = (entry: OpenRun, scheduled: number) => {
        void entry.started.then(() => send(entry.run, 'finish', scheduled));
      };

      const tick = () => {
        const now = performance.now();
        while (slot < slots && begin + slot * intervalMs <= now) {
          const scheduled = begin + slot * intervalMs;
          const oldest = open[0];
          if (oldest && oldest.finishDue <= scheduled) {
            open.shift();
            finish(oldest, scheduled);
          } else {
            const run = runs++;
            open.push({ run, finishDue: scheduled + runMs, started: send(run, 'start', scheduled) });
          }
          slot += 1;
        }
        if (slot >= slots) {
          // The open runs finish at their due times.
          while (open.length > 0 && open[0]!.finishDue <= now) {
            const entry = open.shift()!;
            finish(entry, entry.finishDue);
          }
          if (open.length === 0) {
            scheduleDone = true;
            tryResolve();
            return;
          }
        }
        setTimeout(tick, 0);
      };
      tick();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The generator seen from the bench: one forked process for the whole run, one step at a time. */
export class LoadGenerator {
  private constructor(
    private readonly child: ChildProcess,
    private readonly samples: (sample: VisibilitySample) => void,
  ) {}

  static async start(init: GeneratorInit, onSample: (sample: VisibilitySample) => void): Promise<LoadGenerator> {
    const child = fork(__filename, ['--pipeline-load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const generator = new LoadGenerator(child, onSample);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromGenerator) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'error') reject(new Error(`load generator: ${message.message}`));
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before it was ready`)));
      child.send(init satisfies ToGenerator);
    });
    return generator;
  }

  /** Runs one step; resolves once every check-in of it was answered. */
  step(step: GeneratorStep): Promise<StepLoad> {
    return new Promise<StepLoad>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code} during step ${step.step}`));
      const onMessage = (message: FromGenerator) => {
        if (message.type === 'sample') {
          this.samples(message.sample);
          return;
        }
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (message.type === 'step-done') resolve(message.load);
        else if (message.type === 'error') reject(new Error(`load generator: ${message.message}`));
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(step satisfies ToGenerator);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

if (process.argv.includes('--pipeline-load-generator') && process.send) {
  let generator: Generator | undefined;
  const reply = (message: FromGenerator) => process.send?.(message);
  process.on('message', (message: ToGenerator) => {
    if (message.type === 'init') {
      generator = new Generator(message);
      reply({ type: 'ready' });
      return;
    }
    if (!generator) {
      reply({ type: 'error', message: 'step before init' });
      return;
    }
    generator
      .run(message, (sample) => reply({ type: 'sample', sample }))
      .then(
        (load) => reply({ type: 'step-done', load }),
        (error: unknown) => reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on('disconnect', () => {
    generator?.close();
    process.exit(0);
  });
}
