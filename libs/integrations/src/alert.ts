/**
 * What a delivery needs to know about one issue transition. Plain data: the notifier builds it from the
 * issues service's message and the monitor's names, and every channel renders it in its own wire format.
 */

/**
 * - `opened`: an issue was opened (the failure threshold was reached);
 * - `resolved`: the issue was resolved (the recovery threshold was reached);
 * - `test`: the "send test notification" action; nothing is wrong with the monitor.
 */
export const ALERT_KINDS = ['opened', 'resolved', 'test'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * `missed`, `timeout` and `error` make an issue; `ok` resolves one: the statuses an issue event carries
 * (`ISSUE_EVENT_STATUSES` in libs/contracts). `unknown` (a miss while Vigil's own pipeline was down, decision 0023)
 * is not one: the issues service ignores it, so it never reaches an alert.
 */
export const ALERT_STATUSES = ['missed', 'timeout', 'error', 'ok'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface Alert {
  kind: AlertKind;
  /** The issue (uuid). One issue is one incident: open and resolve carry the same id. */
  issueId: string;
  /**
   * The transition's id (uuid): the same on every attempt and every redelivery of this transition, and
   * different for each transition of an issue. Receivers drop repeats by it (webhook `event_id`,
   * `Vigil-Delivery`). For `test`, mint a new one per click.
   */
  idempotencyKey: string;
  organization: { id: string; slug: string };
  project: { id: number; slug: string };
  monitor: { id: string; slug: string; name: string };
  environment: string;
  /**
   * For `opened`, the failure that opened the issue (`missed`, `timeout` or `error`); for `resolved`, `ok`
   * (the recovering check-in); for `test`, whatever the sender chose.
   */
  status: AlertStatus;
  /** The expected run time (schedule slot) of the check-in that caused the transition, epoch milliseconds. */
  slot: number;
  /** The check-in that caused the transition (for a miss, the id the scheduler minted for it). */
  checkinId: string;
  /** When the transition happened, epoch milliseconds. */
  occurredAt: number;
  /** Consecutive failures: those that opened the issue, or for `resolved` all the issue counted. */
  failureCount: number;
  /** The monitor's page in Vigil (absolute http(s) URL). */
  url: string;
}

/**
 * The monitor's page in Vigil, which every alert links to: `<app url>/<organization>/monitors/<slug>?environment=<environment>`
 * (`VIGIL_PUBLIC_APP_URL`).
 */
export function monitorUrl(appUrl: string, organizationSlug: string, monitorSlug: string, environment: string): string {
  const base = appUrl.replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(organizationSlug)}/monitors/${encodeURIComponent(monitorSlug)}?environment=${encodeURIComponent(environment)}`;
}

/** Human words for a status, as messages show it. */
export const STATUS_LABEL: Readonly<Record<AlertStatus, string>> = {
  missed: 'Missed',
  timeout: 'Timed out',
  error: 'Failed',
  ok: 'OK',
};

/** What happened, in one phrase: `missed its run`, `recovered`, ... (no monitor name). */
export function describeTransition(alert: Alert): string {
  if (alert.kind === 'test') return 'test notification';
  if (alert.kind === 'resolved') return 'recovered';
  switch (alert.status) {
    case 'missed':
      return 'missed its run';
    case 'timeout':
      return 'timed out';
    case 'error':
      return 'reported a failure';
    case 'ok':
      return 'is failing';
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** `Wed 4 Nov 2026, 03:00 UTC` (seconds shown only when not zero). Messages never guess a reader's zone. */
export function humanUtc(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = d.getUTCSeconds() === 0 ? '' : `:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds} UTC`;
}

/** ISO 8601 in UTC without milliseconds when they are zero: `2026-11-04T03:00:00Z`. */
export function isoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/**
 * Cuts text to at most `max` UTF-16 code units (the strictest way receivers count characters), ending in `…`
 * when cut, never inside a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = '';
  for (const char of text) {
    if (cut.length + char.length > max - 1) break;
    cut += char;
  }
  return `${cut}…`;
}
