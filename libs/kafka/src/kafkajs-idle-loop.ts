import RequestQueue from 'kafkajs/src/network/requestQueue';

/**
 * kafkajs 2.2.4 (unmaintained; tulios/kafkajs#1556, fixed only in forks): a connection's request queue re-arms a 1 ms
 * timer for ever when nothing is pending and the broker throttles nothing, so every connection of every consumer wakes
 * its process about a thousand times a second. An idle notifier used 5 % of a core for it (strace: 1,400 epoll_pwait
 * a second), and the four consuming services together a fifth of a core. Here the check is scheduled only when a
 * request waits or a throttle is to be waited out; a request that is queued schedules its own check, and one that
 * finishes checks the queue, as before.
 */
const unpatched = RequestQueue.prototype.scheduleCheckPendingRequests;

export function scheduleOnlyWhenNeeded(this: RequestQueue): void {
  if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
  unpatched.call(this);
}

RequestQueue.prototype.scheduleCheckPendingRequests = scheduleOnlyWhenNeeded;
