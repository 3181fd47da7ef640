/** What the "How to send check-ins" part needs to fill in. */
export interface SnippetFacts {
  slug: string;
  dsn: string | null;
  cronUrl: string | null;
  pingUrl: string | null;
  schedule: string;
  scheduleType: 'crontab' | 'interval';
  timezone: string;
}

/**
 * Copyable snippets with the monitor's real DSN, cron URL, ping URL and slug: curl (both protocols), runitor,
 * sentry-cli, @sentry/node and Python. Plain text: the template escapes it.
 */
export function sendingSnippets(facts: SnippetFacts): Array<{ title: string; code: string }> {
  const snippets: Array<{ title: string; code: string }> = [];
  if (facts.pingUrl) {
    snippets.push({
      title: 'curl (Healthchecks ping URL)',
      code: `curl -fsS -m 10 --retry 5 "${facts.pingUrl}/start"\n./job.sh && curl -fsS -m 10 --retry 5 "${facts.pingUrl}" || curl -fsS -m 10 --retry 5 "${facts.pingUrl}/fail"`,
    });
    const base = facts.pingUrl.replace(/\/ping\/.*$/, '/ping');
    const key = /\/ping\/([^/]+)\//.exec(facts.pingUrl)?.[1] ?? '<ping key>';
    snippets.push({ title: 'runitor', code: `runitor -api-url "${base}" -ping-key "${key}" -slug ${facts.slug} -- ./job.sh` });
  }
  if (facts.cronUrl) {
    snippets.push({
      title: 'curl (Sentry cron endpoint)',
      code: `curl -fsS "${facts.cronUrl}?status=in_progress"\n./job.sh && curl -fsS "${facts.cronUrl}?status=ok" || curl -fsS "${facts.cronUrl}?status=error"`,
    });
  }
  if (facts.dsn) {
    const cronFlag = facts.scheduleType === 'crontab' ? `-s "${facts.schedule}" --timezone ${facts.timezone} ` : '';
    snippets.push({ title: 'sentry-cli', code: `SENTRY_DSN=${facts.dsn} sentry-cli monitors run ${cronFlag}${facts.slug} -- ./job.sh` });
    const schedule =
      facts.scheduleType === 'crontab'
        ? `{ type: 'crontab', value: '${facts.schedule}' }`
        : `{ type: 'interval', value: ${facts.schedule.split(' ')[0]}, unit: '${facts.schedule.split(' ')[1]}' }`;
    snippets.push({
      title: '@sentry/node',
      code: `Sentry.init({ dsn: '${facts.dsn}' });\nawait Sentry.withMonitor('${facts.slug}', runJob, { schedule: ${schedule}, timezone: '${facts.timezone}' });`,
    });
    snippets.push({
      title: 'Python (sentry-sdk)',
      code: `sentry_sdk.init(dsn="${facts.dsn}")\n\n@monitor(monitor_slug="${facts.slug}")\ndef job(): ...`,
    });
  }
  return snippets;
}
