import { describe, expect, it } from '@jest/globals';
import type { CheckinMessageV1 } from '@vigil/contracts';
import type { ConsumedItem } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { metricsRegistry, parseMetricsText, sampleValue } from '@vigil/metrics';
import { Writable } from 'node:stream';
import { OutageGuardWatch } from '../outage-guard/outage-guard-watch';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);

function pulse(partition: number, at: number): ConsumedItem<'vigil.checkins.v1'> {
  return { kind: 'pulse', topic: 'vigil.checkins.v1', partition, offset: '0', at };
}

function checkin(at: number): ConsumedItem<'vigil.checkins.v1'> {
  return { kind: 'message', topic: 'vigil.checkins.v1', partition: 0, offset: '0', key: null, payload: { received_at: at } as CheckinMessageV1 };
}

describe('OutageGuardWatch', () => {
  it('logs an incident once when the volume collapses and exports it as vigil_outage_guard_active', async () => {
    const lines: Array<{ msg: string; cause?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().trim().split('\n')) lines.push(JSON.parse(line) as { msg: string });
        done();
      },
    });
    const watch = new OutageGuardWatch(createLogger('scheduler', 'info', sink), true);
    const active = async () => sampleValue(parseMetricsText(await metricsRegistry.metrics()), 'vigil_outage_guard_active', { cause: 'volume_collapsed' });
    for (let minute = 0; minute < 14; minute += 1) {
      const start = T0 + minute * 60_000;
      const items: ConsumedItem<'vigil.checkins.v1'>[] = [];
      if (minute < 12) for (let i = 0; i < 500; i += 1) items.push(checkin(start + i));
      watch.observe(items, [0, 1]); // no owned partition has a clock yet: counted, not judged
      // Two owned partitions, one a second behind the other: the guard moves to the one behind.
      for (let second = 0; second < 60; second += 1) {
        watch.observe([pulse(0, start + second * 1000 + 1500)], [0, 1]);
        watch.observe([pulse(1, start + second * 1000 + 500)], [0, 1]);
      }
      if (minute === 11) expect(await active()).toBe(0);
    }
    expect(await active()).toBe(1);
    expect(lines.filter((line) => line.msg.startsWith('outage guard: incident opened'))).toHaveLength(1);
    expect(lines.find((line) => line.msg.startsWith('outage guard'))?.cause).toBe('volume_collapsed');
    expect(sampleValue(parseMetricsText(await metricsRegistry.metrics()), 'vigil_outage_guard_incidents_total', { cause: 'volume_collapsed' })).toBe(1);
  });
});
