import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ServiceProcess, testEnv, waitFor } from '@vigil/testing';
import { HttpReceiver } from './support';

/**
 * Issue #14: VIGIL_SELF_HEARTBEAT_URL. A loopback receiver stands in for the outside monitor (Healthchecks.io,
 * another Vigil): heartbeats arrive while the scheduler consumes and its clock runs on pulses through Kafka, stop
 * while the scheduler is stopped, and come back when it runs again. The interval is 1 s here (60 s by default).
 */
describe('self-heartbeat', () => {
  let receiver: HttpReceiver;
  let scheduler: ServiceProcess;
  const path = '/ok/self-heartbeat';

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    scheduler = await ServiceProcess.start(
      'scheduler',
      testEnv({ VIGIL_SELF_HEARTBEAT_URL: receiver.url(path), VIGIL_SELF_HEARTBEAT_INTERVAL_MS: '1000', VIGIL_KAFKA_SESSION_TIMEOUT_MS: '6000' }),
    );
  });

  afterAll(async () => {
    scheduler?.resume();
    await scheduler?.stop();
    await receiver?.stop();
  });

  it('arrives every interval while healthy, stops while the scheduler is stopped, and resumes after', async () => {
    await waitFor('three heartbeats', () => receiver.to(path).length >= 3, { timeoutMs: 60000, intervalMs: 200 });
    const beats = receiver.to(path);
    const gaps = beats.slice(1).map((beat, index) => beat.at - beats[index]!.at);
    expect(Math.max(...gaps)).toBeLessThan(2500);
    expect(beats.every((beat) => beat.body === '')).toBe(true);

    scheduler.pause();
    const pausedAt = Date.now();
    // A request already on its way may still land: count from a second after the stop.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = receiver.to(path).length;
    // An absence has no event to wait for: five intervals of silence are the observation.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(receiver.to(path).length).toBe(before);

    scheduler.resume();
    // Back in its group (it may have lost its membership while stopped), its clock fresh again: heartbeats resume.
    await waitFor('heartbeats again', () => receiver.to(path).length >= before + 2, { timeoutMs: 90000, intervalMs: 200 });
    expect(receiver.to(path)[before]!.at).toBeGreaterThan(pausedAt + 6000);
  });
});
