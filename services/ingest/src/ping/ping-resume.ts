import type { CheckinSignal } from '@vigil/contracts';
import type { CatalogMonitor } from '../catalog/catalog-snapshot';

/**
 * Healthchecks: a success or failure ping to a paused check resumes it, unless the check has `manual_resume`
 * (then the ping is recorded and changes nothing). A start or a log leaves it paused, as in Healthchecks.
 * Sentry check-ins never resume: a paused monitor is Vigil's and Healthchecks' notion, not Sentry's.
 */
export function resumesPausedMonitor(monitor: Pick<CatalogMonitor, 'status' | 'manualResume'>, signal: CheckinSignal): boolean {
  return monitor.status === 'paused' && !monitor.manualResume && (signal === 'ok' || signal === 'error');
}

/** Healthchecks: every ping to a paused check with `manual_resume` is recorded as `ign`, counted, and changes nothing. */
export function ignoresPing(monitor: Pick<CatalogMonitor, 'status' | 'manualResume'>): boolean {
  return monitor.status === 'paused' && monitor.manualResume;
}
