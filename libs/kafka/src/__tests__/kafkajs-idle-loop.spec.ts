import RequestQueue from 'kafkajs/src/network/requestQueue';
import { scheduleOnlyWhenNeeded } from '../kafkajs-idle-loop';

function queue(): RequestQueue {
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  return new RequestQueue({ maxInFlightRequests: null, requestTimeout: 1000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:9092', logger });
}

describe("kafkajs' request queue (patched against its 1 ms idle loop)", () => {
  it('is patched once libs/kafka is loaded', () => {
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleOnlyWhenNeeded);
  });

  it('with nothing pending and no throttle, checking the queue schedules no timer', () => {
    const idle = queue();
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('a throttle still in force is waited out, and a pending request is checked again', () => {
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId!);

    const waiting = queue();
    waiting.throttledUntil = Date.now() + 60_000;
    waiting.pending.push({});
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(waiting.throttleCheckTimeoutId!);
  });
});
