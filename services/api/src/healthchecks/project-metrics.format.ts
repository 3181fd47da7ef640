import type { CheckStatus } from './check-status';
import { tagList } from './check-spec';

/** One check as its project's metrics show it. */
export interface CheckMetric {
  name: string;
  /** Its tags as stored: words separated by spaces. */
  tags: string;
  uniqueKey: string;
  status: CheckStatus;
  started: boolean;
}

/** One environment of a monitor (Vigil's own family, beside Healthchecks' production-only ones). */
export interface EnvironmentMetric {
  name: string;
  tags: string;
  uniqueKey: string;
  environment: string;
  /** 0 when its latest state is a failure (missed, timeout, error), else 1. */
  up: 0 | 1;
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(name: string, help: string, lines: readonly string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${lines.join('')}`;
}

/**
 * A project's checks in Prometheus' text format, with Healthchecks' metric names and label meanings (one series
 * per check, its production environment; `hc_tag_up` per tag, down when any check with the tag is down), plus
 * `vigil_monitor_environment_up` for every environment of every monitor.
 */
export function renderProjectMetrics(checks: readonly CheckMetric[], environments: readonly EnvironmentMetric[]): string {
  const labels = (check: { name: string; tags: string; uniqueKey: string }) =>
    `{name="${escape(check.name)}", tags="${escape(check.tags)}", unique_key="${check.uniqueKey}"}`;
  const named = (name: string, value: (check: CheckMetric) => number) => checks.map((check) => `${name}${labels(check)} ${value(check)}\n`);
  const allTags = new Set<string>();
  const downTags = new Set<string>();
  let down = 0;
  for (const check of checks) {
    const tags = tagList(check.tags);
    for (const tag of tags) allTags.add(tag);
    if (check.status === 'down') {
      down += 1;
      for (const tag of tags) downTags.add(tag);
    }
  }
  const sortedTags = [...allTags].sort();
  return [
    family(
      'hc_check_up',
      'Whether the check is currently up (1 for yes, 0 for no).',
      named('hc_check_up', (check) => (check.status === 'down' ? 0 : 1)),
    ),
    family(
      'hc_check_started',
      'Whether the check is currently started (1 for yes, 0 for no).',
      named('hc_check_started', (check) => (check.started ? 1 : 0)),
    ),
    family(
      'hc_check_grace',
      'Whether the check is currently in the grace period (1 for yes, 0 for no).',
      named('hc_check_grace', (check) => (check.status === 'grace' ? 1 : 0)),
    ),
    family(
      'hc_check_paused',
      'Whether the check is currently paused (1 for yes, 0 for no).',
      named('hc_check_paused', (check) => (check.status === 'paused' ? 1 : 0)),
    ),
    family(
      'hc_tag_up',
      'Whether all checks with this tag are up (1 for yes, 0 for no).',
      sortedTags.map((tag) => `hc_tag_up{tag="${escape(tag)}"} ${downTags.has(tag) ? 0 : 1}\n`),
    ),
    family('hc_checks_total', 'The total number of checks.', [`hc_checks_total ${checks.length}\n`]),
    family('hc_checks_down_total', 'The number of checks currently down.', [`hc_checks_down_total ${down}\n`]),
    family(
      'vigil_monitor_environment_up',
      'Whether the environment of the monitor is up (0 when its latest run failed, was missed or timed out; 1 otherwise), for every environment that has a state.',
      environments.map(
        (entry) =>
          `vigil_monitor_environment_up{name="${escape(entry.name)}", tags="${escape(entry.tags)}", unique_key="${entry.uniqueKey}", environment="${escape(entry.environment)}"} ${entry.up}\n`,
      ),
    ),
  ].join('\n');
}
