import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@vigil/logging';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEAD_NOTIFICATIONS_MIN, SelfHeartbeat, withheldBecause, type PathHealth } from '../heartbeat/self-heartbeat';

const LIMITS = { maxClockLagMs: 30000, maxLag: 100 };
const HEALTHY: PathHealth = { consuming: true, clockLagMs: 800, lagMessages: 3 };

describe('withheldBecause', () => {
  it('passes a healthy path and names what is wrong otherwise', () => {
    expect(withheldBecause(HEALTHY, LIMITS)).toBeNull();
    expect(withheldBecause({ ...HEALTHY, consuming: false }, LIMITS)).toMatch(/not consuming/);
    expect(withheldBecause({ ...HEALTHY, clockLagMs: null }, LIMITS)).toMatch(/no clock/);
    expect(withheldBecause({ ...HEALTHY, clockLagMs: 30001 }, LIMITS)).toMatch(/clock is 30 s behind/);
    expect(withheldBecause({ ...HEALTHY, lagMessages: null }, LIMITS)).toMatch(/lag/);
    expect(withheldBecause({ ...HEALTHY, lagMessages: 101 }, LIMITS)).toMatch(/101 check-ins behind/);
  });

  it('holds the other consumer groups to the same lag bound, naming the group behind', () => {
    const groups = [
      { group: 'vigil-issues', messages: 0 },
      { group: 'vigil-notifier', messages: 100 },
      { group: 'vigil-history', messages: 12 },
    ];
    expect(withheldBecause({ ...HEALTHY, groupsLag: groups }, LIMITS)).toBeNull();
    expect(withheldBecause({ ...HEALTHY, groupsLag: [...groups.slice(0, 2), { group: 'vigil-history', messages: 101 }] }, LIMITS)).toBe(
      'the vigil-history consumer group is 101 messages behind',
    );
    expect(withheldBecause({ ...HEALTHY, groupsLag: null }, LIMITS)).toMatch(/other consumer groups/);
  });

  it('withholds when the notifier dead-lettered every alert of the window to two integrations or more, not for one broken endpoint', () => {
    const failing = { succeeded: 0, dead: DEAD_NOTIFICATIONS_MIN, deadIntegrations: 2 };
    expect(withheldBecause({ ...HEALTHY, notifications: failing }, LIMITS)).toBe(
      'the notifier dead-lettered every alert that finished in the last 15 minutes (3, to 2 integrations)',
    );
    // One user's endpoint refusing everything: theirs to fix, the delivery log shows it.
    expect(withheldBecause({ ...HEALTHY, notifications: { ...failing, dead: 40, deadIntegrations: 1 } }, LIMITS)).toBeNull();
    // Something was delivered: the notifier works.
    expect(withheldBecause({ ...HEALTHY, notifications: { ...failing, succeeded: 1 } }, LIMITS)).toBeNull();
    // Too few to tell.
    expect(withheldBecause({ ...HEALTHY, notifications: { ...failing, dead: DEAD_NOTIFICATIONS_MIN - 1 } }, LIMITS)).toBeNull();
    expect(withheldBecause({ ...HEALTHY, notifications: { succeeded: 0, dead: 0, deadIntegrations: 0 } }, LIMITS)).toBeNull();
    expect(withheldBecause({ ...HEALTHY, notifications: null }, LIMITS)).toMatch(/Postgres/);
  });
});

describe('SelfHeartbeat', () => {
  it('sends a GET to a loopback receiver while healthy, and nothing while not', async () => {
    const received: string[] = [];
    const server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.end('OK');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let health = HEALTHY;
    const heartbeat = new SelfHeartbeat({
      ...LIMITS,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/abc`,
      intervalMs: 60000,
      health: async () => health,
      logger: createLogger('test', 'silent'),
      metrics: false,
    });
    try {
      await heartbeat.beat();
      health = { ...HEALTHY, clockLagMs: 120000 };
      await heartbeat.beat();
      health = HEALTHY;
      await heartbeat.beat();
      expect(received).toEqual(['GET /ping/abc', 'GET /ping/abc']);
    } finally {
      server.close();
    }
  });
});
