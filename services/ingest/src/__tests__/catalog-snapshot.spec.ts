import { CatalogSnapshot, configApplied, type CatalogMonitor } from '../catalog/catalog-snapshot';

const project = { id: 7, organizationId: 'org', pingKey: 'ping-key-a' };
const monitor: CatalogMonitor = {
  id: 'm1',
  slug: 'nightly',
  projectId: 7,
  organizationId: 'org',
  pingUuid: 'uuid-1',
  config: {
    scheduleType: 'crontab',
    scheduleCrontab: '0 3 * * *',
    scheduleIntervalValue: null,
    scheduleIntervalUnit: null,
    checkinMargin: 10,
    maxRuntime: null,
    failureIssueThreshold: 1,
    recoveryThreshold: 1,
    timezone: 'UTC',
    owner: null,
  },
  status: 'active',
  manualResume: false,
};

describe('CatalogSnapshot', () => {
  it('finds an active key only for its own project', () => {
    const snapshot = new CatalogSnapshot();
    snapshot.putProject(project);
    snapshot.putKey({ id: 1, publicKey: 'k', projectId: 7, revoked: false });
    expect(snapshot.activeKey(7, 'k')).toEqual(project);
    expect(snapshot.activeKey(8, 'k')).toBeUndefined();
    snapshot.putKey({ id: 1, publicKey: 'k', projectId: 7, revoked: true });
    expect(snapshot.activeKey(7, 'k')).toBeUndefined();
    snapshot.removeKey(1);
    expect(snapshot.sizes.keys).toBe(0);
  });

  it('re-indexes a monitor whose slug or ping UUID changed, and forgets the old names', () => {
    const snapshot = new CatalogSnapshot();
    snapshot.putMonitor(monitor);
    snapshot.putMonitor({ ...monitor, slug: 'nightly-v2', pingUuid: 'uuid-2' });
    expect(snapshot.monitorBySlugIn(7, 'nightly')).toBeUndefined();
    expect(snapshot.monitorByPing('uuid-1')).toBeUndefined();
    expect(snapshot.monitorBySlugIn(7, 'nightly-v2')?.id).toBe('m1');
    expect(snapshot.monitorByPing('uuid-2')?.id).toBe('m1');
    snapshot.removeMonitor('m1');
    expect(snapshot.monitorByPing('uuid-2')).toBeUndefined();
  });

  it('follows a project to its new ping key', () => {
    const snapshot = new CatalogSnapshot();
    snapshot.putProject(project);
    snapshot.putProject({ ...project, pingKey: 'ping-key-b' });
    expect(snapshot.projectByPing('ping-key-a')).toBeUndefined();
    expect(snapshot.projectByPing('ping-key-b')?.id).toBe(7);
  });

  it('knows when a monitor_config would change nothing (so no Postgres write is needed)', () => {
    expect(configApplied(monitor, { scheduleType: 'crontab', scheduleCrontab: '0 3 * * *', checkinMargin: 10 })).toBe(true);
    expect(configApplied(monitor, {})).toBe(true);
    expect(configApplied(monitor, { checkinMargin: 15 })).toBe(false);
    expect(configApplied(monitor, { maxRuntime: 30 })).toBe(false);
    expect(configApplied(monitor, { owner: 'team:ops' })).toBe(false);
  });
});
