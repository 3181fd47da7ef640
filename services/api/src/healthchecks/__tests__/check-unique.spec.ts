import { findUniqueMatch } from '../check-unique';
import type { CheckRecord } from '../check.presenter';

function check(id: string, fields: Partial<CheckRecord>): CheckRecord {
  return {
    id,
    projectId: 1,
    pingUuid: id,
    name: '',
    slug: id,
    tags: '',
    description: '',
    status: 'active',
    manualResume: false,
    scheduleType: 'interval',
    scheduleCrontab: null,
    scheduleIntervalValue: 1,
    scheduleIntervalUnit: 'day',
    checkinMargin: 60,
    timezone: 'UTC',
    channels: [],
    healthchecksRules: true,
    ...fields,
  };
}

describe('findUniqueMatch (Healthchecks upsert)', () => {
  const checks = [
    check('a', { name: 'backup', tags: 'prod' }),
    check('b', { name: 'backup', tags: 'staging', scheduleIntervalValue: 2, scheduleIntervalUnit: 'hour', checkinMargin: 5 }),
    check('c', { name: 'report', scheduleType: 'crontab', scheduleCrontab: '0 3 * * *', scheduleIntervalValue: null, scheduleIntervalUnit: null }),
  ];

  it('finds the oldest check matching every unique field', () => {
    expect(findUniqueMatch(checks, { name: 'backup', unique: ['name'] })?.id).toBe('a');
    expect(findUniqueMatch(checks, { name: 'backup', tags: 'staging', unique: ['name', 'tags'] })?.id).toBe('b');
    expect(findUniqueMatch(checks, { slug: 'c', unique: ['slug'] })?.id).toBe('c');
  });

  it('compares timeout and grace in seconds; a cron check has no timeout', () => {
    expect(findUniqueMatch(checks, { timeout: 7200, unique: ['timeout'] })?.id).toBe('b');
    expect(findUniqueMatch(checks, { grace: 300, unique: ['grace'] })?.id).toBe('b');
    expect(findUniqueMatch(checks, { timeout: 86_400, unique: ['timeout'] })?.id).toBe('a');
  });

  it('matches nothing without unique, when a unique field is absent from the spec, or when none matches', () => {
    expect(findUniqueMatch(checks, { name: 'backup' })).toBeNull();
    expect(findUniqueMatch(checks, { name: 'backup', unique: [] })).toBeNull();
    expect(findUniqueMatch(checks, { name: 'backup', unique: ['name', 'tags'] })).toBeNull();
    expect(findUniqueMatch(checks, { name: 'nope', unique: ['name'] })).toBeNull();
  });
});
