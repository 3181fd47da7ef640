import { describeTransition, humanUtc, isoUtc, STATUS_LABEL, truncate, type Alert } from './alert';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_MAX = 200;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One line for a header: control characters (CR and LF above all) become spaces, so no header can be injected. */
function headerSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this strips
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function subjectTag(alert: Alert): string {
  if (alert.kind === 'test') return 'Test';
  return alert.kind === 'resolved' ? 'Resolved' : STATUS_LABEL[alert.status];
}

/**
 * The email of one alert. Rules: the subject starts with `[Vigil] <what>:` and names the monitor and the
 * environment, on one line of at most 200 characters; the text and HTML bodies carry the same facts (monitor,
 * environment, expected run in human UTC and ISO 8601, status, failures, project, issue, link); every
 * user-written value is HTML-escaped in the HTML body, and the link is the monitor's Vigil URL.
 */
export function buildEmail(alert: Alert): EmailContent {
  const subject = truncate(headerSafe(`[Vigil] ${subjectTag(alert)}: ${alert.monitor.name} (${alert.environment}) ${describeTransition(alert)}`), SUBJECT_MAX);
  const headline = alert.kind === 'test' ? `This is a test notification for ${alert.monitor.name}.` : `${alert.monitor.name} ${describeTransition(alert)}.`;
  const rows: Array<[string, string]> = [
    ['Monitor', `${alert.monitor.name} (${alert.monitor.slug})`],
    ['Environment', alert.environment],
    ['Expected run', `${humanUtc(alert.slot)} (${isoUtc(alert.slot)})`],
    ['Status', STATUS_LABEL[alert.status]],
    [alert.kind === 'resolved' ? 'Failures' : 'Consecutive failures', String(alert.failureCount)],
    ['Project', `${alert.organization.slug}/${alert.project.slug}`],
    ['Issue', alert.issueId],
  ];
  const text = [headline, '', ...rows.map(([label, value]) => `${label}: ${value}`), '', `View the monitor: ${alert.url}`, '', '-- ', 'Vigil'].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif">',
    `<p><strong>${escapeHtml(headline)}</strong></p>`,
    '<table cellpadding="4">',
    ...rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(alert.url)}">View the monitor in Vigil</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
