import { DomainError } from '@vigil/errors';

export interface Channel {
  id: string;
  name: string;
  type: string;
}

/** Healthchecks' kind of each Vigil integration type (PagerDuty is `pd` there). */
export const CHANNEL_KIND_OF: Readonly<Record<string, string>> = { email: 'email', slack: 'slack', pagerduty: 'pd', webhook: 'webhook' };

function invalid(message: string): DomainError {
  return new DomainError('invalid', 'invalid_channels', message, 'channels');
}

/**
 * The channels a check's `channels` field names: `"*"` every one, `""` none, otherwise a comma-separated list of
 * channel ids or names, each naming exactly one channel (Healthchecks' rules and messages).
 */
export function selectChannels(value: string, available: readonly Channel[]): Channel[] {
  if (value === '*') return [...available];
  if (value === '') return [];
  const selected = new Map<string, Channel>();
  for (const reference of value.split(',')) {
    if (reference === '') throw invalid('channels has an empty channel identifier');
    const matches = available.filter((channel) => channel.id === reference.toLowerCase() || channel.name === reference);
    if (matches.length === 0) throw invalid(`channels names an invalid channel identifier: ${reference}`);
    if (matches.length > 1) throw invalid(`channels names a non-unique channel identifier: ${reference} (use the channel's id)`);
    selected.set(matches[0]!.id, matches[0]!);
  }
  return [...selected.values()];
}
