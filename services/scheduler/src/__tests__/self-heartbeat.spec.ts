import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@vigil/logging';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SelfHeartbeat, withheldBecause, type PathHealth } from '../heartbeat/self-heartbeat';

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
