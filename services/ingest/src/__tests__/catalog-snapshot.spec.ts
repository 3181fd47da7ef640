// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalogFile, writeCatalogFile } from '../catalog/catalog-file';
import { CatalogSnapshot, configApplied, credentialHash, type CatalogMonitor } from '../catalog/catalog-snapshot';

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

describe('the snapshot file (decision 0016)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-catalog-spec-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function live(): CatalogSnapshot {
    const snapshot = new CatalogSnapshot();
    snapshot.putProject(project);
    snapshot.putKey({ id: 1, publicKey: 'public-key-1', projectId: 7, revoked: false });
    snapshot.putKey({ id: 2, publicKey: 'revoked-key', projectId: 7, revoked: true });
    snapshot.putMonitor(monitor);
    return snapshot;
  }

  it('holds credentials only as hashes, in a 0600 file, and a view read from it answers the same requests', async () => {
    const path = join(dir, 'sub', 'ingest.catalog');
    await writeCatalogFile(path, 'vigil', live().toRecords());
    const text = await readFile(path, 'utf8');
    for (const secret of ['public-key-1', 'ping-key-a', 'uuid-1', 'revoked-key']) expect(text).not.toContain(secret);
    expect(text).toContain(credentialHash('public-key-1'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const file = await readCatalogFile(path, 'vigil', 60_000);
    if ('unusable' in file) throw new Error(file.unusable);
    const restored = CatalogSnapshot.fromRecords(file.records);
    expect(restored.activeKey(7, 'public-key-1')).toMatchObject({ id: 7, pingKey: '' });
    expect(restored.activeKey(8, 'public-key-1')).toBeUndefined();
    expect(restored.activeKey(7, 'revoked-key')).toBeUndefined();
    expect(restored.activeKey(7, 'no-such-key')).toBeUndefined();
    expect(restored.projectByPing('ping-key-a')).toEqual(project);
    expect(restored.monitorBySlugIn(7, 'nightly')).toMatchObject({ id: 'm1', config: monitor.config });
    expect(restored.monitorByPing('uuid-1')).toEqual(monitor);
    expect(restored.monitorByPing('uuid-2')).toBeUndefined();
  });

  it('is never used when it is of another database, too old, not whole or not there', async () => {
    const path = join(dir, 'ingest.catalog');
    expect(await readCatalogFile(path, 'vigil', 60_000)).toEqual({ unusable: 'no snapshot file' });
    await writeCatalogFile(path, 'vigil', live().toRecords(), Date.now() - 120_000);
    expect(await readCatalogFile(path, 'other', 600_000)).toMatchObject({ unusable: expect.stringContaining('database') });
    expect(await readCatalogFile(path, 'vigil', 60_000)).toMatchObject({ unusable: expect.stringContaining('older') });
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    await writeFile(path, `${lines.slice(0, -1).join('\n')}\n`);
    expect(await readCatalogFile(path, 'vigil', 600_000)).toEqual({ unusable: 'it is not whole' });
  });

  it('replaces the file whole: a write over an existing file leaves no temporary file behind', async () => {
    const path = join(dir, 'ingest.catalog');
    await writeCatalogFile(path, 'vigil', live().toRecords());
    const grown = live();
    grown.putMonitor({ ...monitor, id: 'm2', slug: 'hourly', pingUuid: 'uuid-3' });
    await writeCatalogFile(path, 'vigil', grown.toRecords());
    const file = await readCatalogFile(path, 'vigil', 60_000);
    expect('unusable' in file ? file.unusable : file.records.monitors.map((entry) => entry.slug).sort()).toEqual(['hourly', 'nightly']);
    await expect(readdir(dir)).resolves.toEqual(['ingest.catalog']);
  });
});
