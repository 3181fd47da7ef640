import { describeTransition, humanUtc, isoUtc, STATUS_LABEL, truncate, type Alert } from './alert';

/**
 * A Slack incoming-webhook message (Block Kit). Limits that Slack enforces, and that this respects: a
 * header's text at most 150 characters, a mrkdwn field at most 2000 (the button's URL is Vigil's own).
 * `text` is the fallback shown in notifications and by clients that render no blocks.
 */

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}
export interface SectionBlock {
  type: 'section';
  text?: Mrkdwn;
  fields?: Mrkdwn[];
}
export interface ContextBlock {
  type: 'context';
  elements: Mrkdwn[];
}
export interface ButtonElement {
  type: 'button';
  text: PlainText;
  url: string;
  action_id: string;
  style?: 'primary' | 'danger';
}
export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
}
export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const FALLBACK_MAX = 3000;

/** Slack's mrkdwn needs only `&`, `<` and `>` escaped; anything else a user wrote shows as written. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A `<url|label>` link; `|` and `>` in the URL would end it early, so they are percent-encoded. */
function link(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safeUrl}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

function field(label: string, value: string): Mrkdwn {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, FIELD_MAX) };
}

function icon(alert: Alert): string {
  if (alert.kind === 'test') return '🔔';
  return alert.kind === 'resolved' ? '✅' : '🔴';
}

/**
 * The message for one alert: a header saying what happened, fields for the monitor (linked), environment,
 * expected run time (human UTC and ISO 8601) and status, a context line with project, failure count and
 * issue id, and a button to the monitor. User-written names are escaped.
 */
export function buildSlackMessage(alert: Alert): SlackMessage {
  const what = `${alert.monitor.name} ${describeTransition(alert)}`;
  const header = `${icon(alert)} ${alert.kind === 'test' ? `Test notification: ${alert.monitor.name}` : what}`;
  const status = alert.kind === 'test' ? `${STATUS_LABEL[alert.status]} (test)` : STATUS_LABEL[alert.status];
  const failures = alert.kind === 'resolved' ? `${alert.failureCount} failed check-ins` : `${alert.failureCount} consecutive failures`;
  return {
    text: truncate(
      `${icon(alert)} ${escapeMrkdwn(alert.kind === 'test' ? `Test notification for ${alert.monitor.name}` : what)} (${escapeMrkdwn(alert.environment)}): expected at ${humanUtc(alert.slot)}. ${alert.url}`,
      FALLBACK_MAX,
    ),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(header, HEADER_MAX), emoji: true } },
      {
        type: 'section',
        fields: [
          field('Monitor', link(alert.url, alert.monitor.name)),
          field('Environment', escapeMrkdwn(alert.environment)),
          field('Expected run', `${humanUtc(alert.slot)}\n\`${isoUtc(alert.slot)}\``),
          field('Status', status),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: truncate(`Project ${escapeMrkdwn(alert.project.slug)} · ${failures} · issue ${alert.issueId}`, FIELD_MAX),
          },
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'View monitor', emoji: false },
            url: alert.url,
            action_id: 'vigil_view_monitor',
            ...(alert.kind === 'opened' ? { style: 'danger' as const } : alert.kind === 'resolved' ? { style: 'primary' as const } : {}),
          },
        ],
      },
    ],
  };
}
