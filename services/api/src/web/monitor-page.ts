import type { VigilConfig } from '@vigil/config';
import { queryString, type ApiErrorBody } from './http/api-client';
import { PageError, type Session } from './page-context';
import { displayStatus, FAILING, runDisplay, scheduleAsWritten, scheduleInWords, STATUS_LABELS, type ApiMonitor } from './monitor-view';
import { fingerprint, RANGE_NAMES, RANGES, relativeText, type ApiMonitorStats, type RangeName } from './page-data';
import { utcText } from './pages/page-kit';
import type { ApiIssue } from './pages/issues-page';
import { sendingSnippets } from './snippets';
import { durationBucketsFromStats, durationChart } from './timeline/duration-chart';
import { bucketsFromStats, timelineSvg } from './timeline/timeline-svg';
import type { DashboardViews, SessionView } from './views/dashboard-views';

interface ApiEnvironment {
  name: string;
  state: string | null;
  isMuted: boolean;
  lastCheckIn: string | null;
  lastCheckInRun: { status: string } | null;
  nextCheckIn: string | null;
  nextScheduled: string[];
}

interface ApiCheckin {
  id: string;
  environment: string;
  status: string;
  duration: number | null;
  dateCreated: string;
  dateUpdated: string;
  expectedTime: string | null;
}

/** A processing error as the API lists it (`PROCESSING_ERROR` in processing-errors/processing-error.schemas.ts). */
interface ApiProcessingError {
  id: string;
  environment: string | null;
  source: string;
  errors: Array<{ code: string; field: string | null; message: string }>;
  dateCreated: string;
}

/** How many of its newest issues and processing errors the page shows (each section links to where the rest are). */
const SECTION_SIZE = 10;

/** The range of the page's timelines and duration charts (`?range=`), the list's 24 hours unless it names another. */
export function monitorRange(value: string | undefined): RangeName {
  return (RANGE_NAMES as readonly string[]).includes(value ?? '') ? (value as RangeName) : '24h';
}

const RANGE_WORDS: Record<RangeName, string> = { '1h': 'the last hour', '24h': 'the last 24 hours', '7d': 'the last 7 days', '30d': 'the last 30 days' };

/** Form fields of the edit form, as the API names them in its errors (`config.<field>` or the field). */
const EDIT_FIELDS = ['schedule', 'checkin_margin', 'max_runtime', 'timezone'] as const;

export interface Outcome {
  status: number;
  redirect?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
}

function errorOf(body: unknown): { message: string; field: string | undefined } {
  const error = (body as ApiErrorBody | null)?.error;
  return { message: error?.message ?? 'the API refused the change', field: error?.field };
}

const isoText = (iso: string, zone: string): string => {
  try {
    return `${new Date(iso).toLocaleString('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'medium' })} ${zone}`;
  } catch {
    return iso;
  }
};

/** A minutes field: a whole number as a number, empty as null (the default), anything else as typed so the API names it. */
function minutes(value: string | undefined): number | string | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** The monitor page: its state (also answered alone to the page's poll), its actions and its edit form. */
export class MonitorPage {
  constructor(
    private readonly views: DashboardViews,
    private readonly config: Pick<VigilConfig, 'VIGIL_WEB_POLL_MS'>,
  ) {}

  private base(org: string, slug: string): string {
    return `/api/0/organizations/${encodeURIComponent(org)}/monitors/${encodeURIComponent(slug)}`;
  }

  private async monitor(session: Session, org: string, slug: string): Promise<ApiMonitor> {
    const answer = await session.api.get<ApiMonitor>(`${this.base(org, slug)}/`);
    if (answer.status === 404) throw new PageError(404, 'Not found', `There is no monitor "${slug}" here.`);
    if (answer.status !== 200) throw new PageError(answer.status, 'Something went wrong', errorOf(answer.body).message);
    return answer.body;
  }

  /**
   * What changes while the page is open, over the range the page shows: each environment's state, timeline and
   * duration chart, the latest check-ins, the monitor's newest issues and processing errors.
   */
  async state(
    session: Session,
    org: string,
    slug: string,
    rangeName: RangeName,
    known?: ApiMonitor,
  ): Promise<{ html: string; version: string; failing: number }> {
    const monitor = known ?? (await this.monitor(session, org, slug));
    const range = RANGES[rangeName];
    const until = Math.ceil(Date.now() / 1000);
    const orgBase = `/api/0/organizations/${encodeURIComponent(org)}`;
    const [environments, checkins, stats, organization, issues, processingErrors] = await Promise.all([
      session.api.get<ApiEnvironment[]>(`${this.base(org, slug)}/environments/`),
      session.api.get<ApiCheckin[]>(`${this.base(org, slug)}/checkins/${queryString({ per_page: 25 })}`),
      session.api.get<ApiMonitorStats>(
        `${orgBase}/monitors-stats/${queryString({ monitor: [slug], since: until - range.seconds, until, resolution: String(range.resolution), durations: 'true' })}`,
      ),
      session.api.get<{ access: string[] }>(`${orgBase}/`),
      session.api.get<ApiIssue[]>(`${orgBase}/issues/${queryString({ project: monitor.project.slug, monitor: slug, per_page: SECTION_SIZE })}`),
      session.api.get<ApiProcessingError[]>(
        `/api/0/projects/${encodeURIComponent(org)}/${encodeURIComponent(monitor.project.slug)}/monitors/${encodeURIComponent(slug)}/processing-errors/${queryString({ per_page: SECTION_SIZE })}`,
      ),
    ]);
    for (const answer of [environments, checkins, stats, organization, issues, processingErrors]) {
      if (answer.status !== 200) throw new PageError(answer.status, 'Something went wrong', errorOf(answer.body).message);
    }
    const now = Date.now();
    const zone = monitor.config.timezone;
    const start = Date.parse(stats.body.start);
    const envRows = environments.body.map((env) => {
      const status = displayStatus(monitor, {
        name: env.name,
        status: '',
        isMuted: env.isMuted,
        lastCheckIn: env.lastCheckIn,
        nextCheckIn: env.nextCheckIn,
        nextCheckInLatest: null,
        vigilState: env.state,
        lastCheckInStatus: env.lastCheckInRun?.status ?? null,
      });
      const buckets = bucketsFromStats(
        stats.body.monitors[slug]?.[env.name] ?? [],
        stats.body.statuses,
        start,
        stats.body.resolution * 1000,
        stats.body.buckets,
      );
      return {
        name: env.name,
        status,
        statusLabel: STATUS_LABELS[status],
        isMuted: env.isMuted || monitor.isMuted,
        timeline: timelineSvg(buckets, stats.body.resolution * 1000, `Runs in ${env.name} over ${RANGE_WORDS[rangeName]}`),
        durations: durationChart(
          durationBucketsFromStats(
            stats.body.durations?.[slug]?.[env.name] ?? [],
            stats.body.durationFields ?? [],
            start,
            stats.body.resolution * 1000,
            stats.body.buckets,
          ),
          { start, bucketMs: stats.body.resolution * 1000, buckets: stats.body.buckets },
          `Run durations in ${env.name} over ${RANGE_WORDS[rangeName]}`,
        ),
        lastCheckIn: env.lastCheckIn,
        lastCheckInText: env.lastCheckIn ? relativeText(env.lastCheckIn, now) : '',
        nextCheckIn: env.nextCheckIn,
        nextCheckInText: env.nextCheckIn ? relativeText(env.nextCheckIn, now) : '',
        nextScheduled: env.nextScheduled.map((slot) => ({ iso: slot, text: isoText(slot, zone) })),
      };
    });
    const checkinRows = checkins.body.map((checkin) => {
      const { icon, label } = runDisplay(checkin.status);
      return {
        status: checkin.status,
        icon,
        statusLabel: label,
        started: checkin.dateCreated,
        startedText: isoText(checkin.dateCreated, zone),
        updated: checkin.dateUpdated,
        updatedText: isoText(checkin.dateUpdated, zone),
        duration: checkin.duration === null ? '' : checkin.duration < 1000 ? `${checkin.duration} ms` : `${(checkin.duration / 1000).toFixed(1)} s`,
        environment: checkin.environment,
        expected: checkin.expectedTime,
        expectedText: checkin.expectedTime ? isoText(checkin.expectedTime, zone) : '',
      };
    });
    const issueRows = issues.body.map((issue) => ({
      id: issue.id,
      status: issue.status,
      environment: issue.environment,
      failureCount: issue.failureCount,
      openingStatus: issue.openingStatus,
      openingLabel: STATUS_LABELS[issue.openingStatus],
      opened: issue.dateOpened,
      openedText: utcText(issue.dateOpened),
      resolved: issue.dateResolved,
      resolvedText: utcText(issue.dateResolved),
    }));
    const errorRows = processingErrors.body.map((entry) => ({
      id: entry.id,
      environment: entry.environment,
      source: entry.source,
      errors: entry.errors.map((error) => ({ code: error.code, text: error.field ? `${error.field}: ${error.message}` : error.message })),
      at: entry.dateCreated,
      atText: utcText(entry.dateCreated),
    }));
    const failing = envRows.filter((row) => FAILING.has(row.status)).length;
    const canWrite = organization.body.access.includes('monitors:write');
    const data = {
      org,
      monitor,
      range: rangeName,
      ranges: RANGE_NAMES.map((name) => ({
        name,
        words: RANGE_WORDS[name],
        url: `/orgs/${encodeURIComponent(org)}/monitors/${encodeURIComponent(slug)}/${queryString({ range: name })}`,
      })),
      environments: envRows,
      checkins: checkinRows,
      issues: issueRows,
      moreIssuesUrl: `/orgs/${encodeURIComponent(org)}/issues/${queryString({ status: 'all', project: monitor.project.slug, monitor: slug })}`,
      processingErrors: errorRows,
      sectionSize: SECTION_SIZE,
      failing,
      zone,
      canWrite,
      csrf: session.csrf,
      pollMs: this.config.VIGIL_WEB_POLL_MS,
    };
    const version = fingerprint(JSON.stringify({ ...data, environments: envRows.map((row) => ({ ...row, lastCheckInText: '', nextCheckInText: '' })) }));
    const liveUrl = `/orgs/${encodeURIComponent(org)}/monitors/${encodeURIComponent(slug)}/live${queryString({ range: rangeName, since: version })}`;
    return { html: this.views.fragment('@monitor-state', { ...data, liveUrl }), version, failing };
  }

  async render(
    session: Session,
    params: { org: string; slug: string },
    who: SessionView,
    extras: {
      error?: string | undefined;
      fieldErrors?: Record<string, string> | undefined;
      form?: Record<string, string | undefined>;
      flash?: string;
      range?: RangeName;
    },
  ): Promise<string> {
    const { org, slug } = params;
    const monitor = await this.monitor(session, org, slug);
    const [state, organization, project, keys] = await Promise.all([
      this.state(session, org, slug, extras.range ?? '24h', monitor),
      session.api.get<{ access: string[] }>(`/api/0/organizations/${encodeURIComponent(org)}/`),
      session.api.get<{ pingUrl: string }>(`/api/0/projects/${encodeURIComponent(org)}/${encodeURIComponent(monitor.project.slug)}/`),
      session.api.get<Array<{ isActive: boolean; dsn: { public: string; crons: string } }>>(
        `/api/0/projects/${encodeURIComponent(org)}/${encodeURIComponent(monitor.project.slug)}/keys/`,
      ),
    ]);
    const key = keys.status === 200 ? keys.body.find((candidate) => candidate.isActive) : undefined;
    const canWrite = organization.status === 200 && organization.body.access.includes('monitors:write');
    const form = extras.form ?? {
      schedule: scheduleAsWritten(monitor.config),
      checkin_margin: monitor.config.checkin_margin === null ? '' : String(monitor.config.checkin_margin),
      max_runtime: monitor.config.max_runtime === null ? '' : String(monitor.config.max_runtime),
      timezone: monitor.config.timezone,
    };
    const status = monitor.status === 'active' ? 'active' : monitor.status;
    return this.views.page({ title: monitor.name, session: who, csrf: session.csrf, failing: state.failing }, '@monitor', {
      org,
      monitor,
      monitorStatus: status,
      scheduleWords: scheduleInWords(monitor.config),
      scheduleWritten: scheduleAsWritten(monitor.config),
      canWrite,
      csrf: session.csrf,
      state: state.html,
      form,
      fieldErrors: extras.fieldErrors ?? {},
      error: extras.error ?? null,
      flash: extras.flash ?? null,
      snippets: sendingSnippets({
        slug: monitor.slug,
        dsn: key?.dsn.public ?? null,
        cronUrl: key ? key.dsn.crons.replace('___MONITOR_SLUG___', monitor.slug) : null,
        pingUrl: project.status === 200 ? `${project.body.pingUrl}${monitor.slug}` : null,
        schedule: scheduleAsWritten(monitor.config),
        scheduleType: monitor.config.schedule_type,
        timezone: monitor.config.timezone,
      }),
    });
  }

  /** Mute, unmute, pause, resume, mute one environment, delete: each one API call, refused by the API for a role without `monitors:write`. */
  async act(session: Session, params: { org: string; slug: string }, form: Record<string, string | undefined>): Promise<Outcome> {
    const { org, slug } = params;
    const base = this.base(org, slug);
    const back = `/orgs/${encodeURIComponent(org)}/monitors/${encodeURIComponent(slug)}/`;
    const environment = form['environment'] ?? '';
    let answer;
    switch (form['action']) {
      case 'mute':
      case 'unmute':
        answer = await session.api.call('PUT', `${base}/`, { isMuted: form['action'] === 'mute' });
        break;
      case 'pause':
      case 'resume':
        answer = await session.api.call('PUT', `${base}/`, { status: form['action'] === 'pause' ? 'paused' : 'active' });
        break;
      case 'mute-environment':
      case 'unmute-environment':
        answer = await session.api.call('PUT', `${base}/environments/${encodeURIComponent(environment)}/`, { isMuted: form['action'] === 'mute-environment' });
        break;
      case 'delete':
        if (form['confirm'] !== slug) return { status: 400, error: `Type the slug "${slug}" to confirm the deletion.` };
        answer = await session.api.call('DELETE', `${base}/`);
        if (answer.status < 300) return { status: 303, redirect: `/orgs/${encodeURIComponent(org)}/monitors/` };
        break;
      default:
        return { status: 400, error: 'Unknown action.' };
    }
    if (answer.status >= 300) {
      if (answer.status === 403) throw new PageError(403, 'Not allowed', errorOf(answer.body).message);
      return { status: answer.status, error: errorOf(answer.body).message };
    }
    return { status: 303, redirect: back };
  }

  /** Saves the schedule fields through the API; its refusal comes back as the error of the field it names. */
  async edit(session: Session, params: { org: string; slug: string }, form: Record<string, string | undefined>): Promise<Outcome> {
    const schedule = (form['schedule'] ?? '').trim();
    const interval = /^(\d+)\s+([a-z]+)$/.exec(schedule);
    const config: Record<string, unknown> = {
      schedule_type: interval ? 'interval' : 'crontab',
      schedule: interval ? [Number(interval[1]), interval[2]] : schedule,
      checkin_margin: minutes(form['checkin_margin']),
      max_runtime: minutes(form['max_runtime']),
      timezone: (form['timezone'] ?? '').trim() || null,
    };
    const answer = await session.api.call('PUT', `${this.base(params.org, params.slug)}/`, { config });
    if (answer.status < 300) return { status: 303, redirect: `/orgs/${encodeURIComponent(params.org)}/monitors/${encodeURIComponent(params.slug)}/` };
    if (answer.status === 403) throw new PageError(403, 'Not allowed', errorOf(answer.body).message);
    const { message, field } = errorOf(answer.body);
    const name = (field ?? '')
      .replace(/^config\./, '')
      .replace(/^schedule_type$/, 'schedule')
      .replace(/\..*$/, '')
      .replace(/\[\d+\]$/, '');
    const known = (EDIT_FIELDS as readonly string[]).includes(name) ? name : null;
    return { status: answer.status, error: known ? 'The change was not saved: see the field below.' : message, fieldErrors: known ? { [known]: message } : {} };
  }
}
