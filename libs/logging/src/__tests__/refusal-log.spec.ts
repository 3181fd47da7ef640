import { Writable } from 'node:stream';
import { createLogger } from '../logger';
import { RefusalLog } from '../refusal-log';

interface Line {
  msg: string;
  protocol: string;
  status?: number;
  code: string;
  count: number;
  first_at: string;
  last_at: string;
  example: Record<string, unknown>;
}

function setup(intervalMs = 10000, maxReasons?: number) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = { advance: (ms: number) => (now += ms) };
  const log = new RefusalLog(createLogger('test', 'info', sink), { intervalMs, now: () => now, ...(maxReasons ? { maxReasons } : {}) });
  return { lines, clock, log };
}

const RATE_LIMITED = { protocol: 'healthchecks-ping', status: 429, code: 'rate_limited' };
const UNKNOWN_KEY = { protocol: 'sentry-envelope', status: 401, code: 'unknown_key' };

describe('RefusalLog', () => {
  it('logs the first refusal of a reason at once and counts the rest into one line per interval', () => {
    const { lines, clock, log } = setup();
    log.record(RATE_LIMITED, { url: '/ping/[REDACTED]/a' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'requests refused', ...RATE_LIMITED, count: 1, example: { url: '/ping/[REDACTED]/a' } });
    for (let i = 0; i < 999; i += 1) {
      clock.advance(5);
      log.record(RATE_LIMITED, { url: `/ping/[REDACTED]/${i}` });
    }
    expect(lines).toHaveLength(1);
    log.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      ...RATE_LIMITED,
      count: 999,
      first_at: '2026-01-01T00:00:00.005Z',
      last_at: '2026-01-01T00:00:04.995Z',
      example: { url: '/ping/[REDACTED]/998' },
    });
    expect(lines.reduce((sum, line) => sum + line.count, 0)).toBe(1000);
  });

  it('counts each protocol, status and code apart', () => {
    const { lines, log } = setup();
    for (let i = 0; i < 3; i += 1) {
      log.record(RATE_LIMITED);
      log.record(UNKNOWN_KEY);
      log.record({ ...RATE_LIMITED, protocol: 'sentry-cron' });
    }
    log.flush();
    expect(lines).toHaveLength(6);
    const total = (reason: { protocol: string; code: string }) =>
      lines.filter((l) => l.protocol === reason.protocol && l.code === reason.code).reduce((s, l) => s + l.count, 0);
    expect(total(RATE_LIMITED)).toBe(3);
    expect(total(UNKNOWN_KEY)).toBe(3);
    expect(total({ protocol: 'sentry-cron', code: 'rate_limited' })).toBe(3);
  });

  it('writes one line per interval while a flood lasts, and logs at once again after a quiet interval', () => {
    const { lines, clock, log } = setup(10000);
    for (let interval = 0; interval < 6; interval += 1) {
      for (let i = 0; i < 100; i += 1) {
        log.record(RATE_LIMITED);
        clock.advance(100);
      }
      log.flush();
    }
    // the first refusal at once, then one count per interval: 600 refusals, 7 lines
    expect(lines).toHaveLength(7);
    expect(lines.map((l) => l.count)).toEqual([1, 99, 100, 100, 100, 100, 100]);
    log.flush(); // a quiet interval: nothing written, the reason is forgotten
    expect(lines).toHaveLength(7);
    log.record(RATE_LIMITED);
    expect(lines).toHaveLength(8);
    expect(lines[7]!.count).toBe(1);
  });

  it('flushes what is counted when stopped', () => {
    const { lines, log } = setup();
    log.start();
    log.record(UNKNOWN_KEY);
    log.record(UNKNOWN_KEY);
    log.stop();
    expect(lines.map((l) => l.count)).toEqual([1, 1]);
  });

  it('counts reasons past the limit under "other", so the number of lines stays bounded', () => {
    const { lines, log } = setup(10000, 2);
    for (let i = 0; i < 50; i += 1) log.record({ protocol: 'p', status: 400, code: `code_${i}` });
    log.flush();
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines.reduce((s, l) => s + l.count, 0)).toBe(50);
    expect(lines.filter((l) => l.code === 'other').reduce((s, l) => s + l.count, 0)).toBe(48);
  });

  it('keeps running totals per reason across flushes and forgotten reasons, bounded like the log', () => {
    const { log } = setup(10000, 2);
    log.record(RATE_LIMITED);
    log.flush();
    log.flush(); // forgotten by the log
    log.record(RATE_LIMITED);
    log.record(UNKNOWN_KEY);
    for (let i = 0; i < 5; i += 1) log.record({ protocol: 'p', status: 400, code: `code_${i}` });
    const totals = new Map(log.totals().map(({ reason, count }) => [reason.code, count]));
    expect(totals.get(RATE_LIMITED.code)).toBe(2);
    expect(totals.get(UNKNOWN_KEY.code)).toBe(1);
    expect(totals.get('other')).toBe(5);
    expect(totals.size).toBe(3);
  });

  it('keeps credentials out of the example', () => {
    const { lines, log } = setup();
    log.record(UNKNOWN_KEY, { url: '/x', sentry_key: 'abc123', ping_key: 'k' });
    expect(JSON.stringify(lines)).not.toContain('abc123');
    expect(lines[0]!.example).toMatchObject({ sentry_key: '[REDACTED]', ping_key: '[REDACTED]' });
  });
});
