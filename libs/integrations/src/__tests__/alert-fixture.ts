import type { Alert } from '../index';

/** 2026-11-04T03:00:00Z, a Wednesday. */
export const SLOT = Date.UTC(2026, 10, 4, 3, 0, 0);
export const ISSUE_ID = '7b3e1c2a-9d4f-4e6a-8b1c-2d3e4f5a6b7c';
export const TRANSITION_ID = '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
export const MONITOR_URL = 'https://vigil.example.com/acme/monitors/nightly-backup?environment=production&period=24h';

/** An issue opened by three missed runs; override any field. */
export function alertFixture(overrides: Partial<Alert> = {}): Alert {
  return {
    kind: 'opened',
    issueId: ISSUE_ID,
    idempotencyKey: TRANSITION_ID,
    organization: { id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c', slug: 'acme' },
    project: { id: 1, slug: 'backend' },
    monitor: { id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b', slug: 'nightly-backup', name: 'Nightly backup' },
    environment: 'production',
    status: 'missed',
    slot: SLOT,
    checkinId: '9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e',
    occurredAt: SLOT + 5 * 60_000,
    failureCount: 3,
    url: MONITOR_URL,
    ...overrides,
  };
}
