import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorStateV1Example, TRACK_STATES } from '@vigil/contracts';
import { rowFromMonitorState } from '../monitor-states/monitor-state-row';

describe('rowFromMonitorState', () => {
  it('keeps a state change with its event time (seconds for partitioning, milliseconds for order) and its offset', () => {
    expect(rowFromMonitorState({ ...monitorStateV1Example, at: 1795000080123 }, '42')).toEqual({
      event_id: monitorStateV1Example.event_id,
      organization_id: monitorStateV1Example.organization_id,
      project_id: monitorStateV1Example.project_id,
      monitor_id: monitorStateV1Example.monitor_id,
      environment: 'production',
      from_state: 'late',
      to_state: 'missed',
      at: '2026-11-18 11:08:00',
      at_ms: 1795000080123,
      kafka_offset: '42',
    });
  });

  it('every track state has a value in the monitor_states enums (a new state needs a ClickHouse migration)', () => {
    const migration = readFileSync(join(__dirname, '../../../../libs/clickhouse/migrations/0004_monitor_states.sql'), 'utf8');
    for (const column of ['from_state', 'to_state']) {
      const enumText = new RegExp(`${column} Enum8\\(([^)]*)\\)`).exec(migration)?.[1] ?? '';
      const values = [...enumText.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
      expect(values.sort()).toEqual([...TRACK_STATES].sort());
    }
  });
});
