import { queryString } from '../http/api-client';
import { nextCursor } from '../page-data';
import type { Session } from '../page-context';
import { STATUS_LABELS, type DisplayStatus } from '../monitor-view';
import { durationText, failure, orgPath, renderPage, utcText, webPath, type Form, type PageKit } from './page-kit';

/** An issue as the API lists it (`ISSUE` in issues/issue.schemas.ts). */
export interface ApiIssue {
  id: string;
  status: 'open' | 'resolved';
  project: { id: string; slug: string };
  monitor: { id: string; slug: string; name: string };
  environment: string;
  failureCount: number;
  openingStatus: 'error' | 'missed' | 'timeout';
  openingCheckInId: string;
  resolvingCheckInId: string | null;
  dateOpened: string;
  dateLastFailure: string;
  dateResolved: string | null;
}

interface ApiIssueRun {
  id: string;
  status: string;
  duration: number | null;
  dateCreated: string;
  dateUpdated: string;
}

interface ApiIssueDetail extends ApiIssue {
  checkIns: { opening: ApiIssueRun | null; resolving: ApiIssueRun | null; failures: ApiIssueRun[] };
}

/** A delivery as the API lists it (`DELIVERY` in deliveries/delivery.schemas.ts). */
export interface ApiDelivery {
  id: string;
  kind: 'opened' | 'resolved' | 'test';
  status: 'pending' | 'sending' | 'succeeded' | 'dead';
  integration: { id: string; name: string; type: string };
  monitor: { slug: string; name: string };
  environment: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  deadReason: string | null;
  dateCreated: string;
  attempts: Array<{
    attempt: number;
    outcome: string | null;
    statusCode: number | null;
    errorCode: string | null;
    error: string | null;
    durationMs: number | null;
    target: string | null;
    response: string | null;
    dateStarted: string;
  }>;
}

export const ISSUE_FILTERS = ['open', 'resolved', 'all'] as const;
export type IssueFilter = (typeof ISSUE_FILTERS)[number];

/** The list's filters from the query string: open issues unless asked otherwise; names only as long as the API takes them. */
export function issueFilters(query: Form): { status: IssueFilter; project: string; monitor: string; cursor: string } {
  const status = (ISSUE_FILTERS as readonly string[]).includes(query['status'] ?? '') ? (query['status'] as IssueFilter) : 'open';
  return {
    status,
    project: (query['project'] ?? '').slice(0, 50),
    monitor: (query['monitor'] ?? '').slice(0, 50),
    cursor: /^[\w:.-]{1,200}$/.test(query['cursor'] ?? '') ? (query['cursor'] as string) : '',
  };
}

const runStatus = (status: string): DisplayStatus => (['ok', 'error', 'missed', 'timeout', 'in_progress'] as const).find((known) => known === status) ?? 'new';

/** A run as the issue page's table shows it. */
export function runRow(role: string, run: ApiIssueRun | null) {
  if (!run) return { role, missing: true as const };
  const icon = runStatus(run.status);
  return {
    role,
    missing: false as const,
    id: run.id,
    status: run.status,
    icon,
    statusLabel: STATUS_LABELS[icon],
    started: run.dateCreated,
    startedText: utcText(run.dateCreated),
    updated: run.dateUpdated,
    updatedText: utcText(run.dateUpdated),
    duration: durationText(run.duration),
  };
}

/** A delivery with its attempts, as the issue and integration pages show them. */
export function deliveryRow(delivery: ApiDelivery) {
  return {
    id: delivery.id,
    kind: delivery.kind,
    status: delivery.status,
    integration: delivery.integration,
    environment: delivery.environment,
    monitor: delivery.monitor,
    created: delivery.dateCreated,
    createdText: utcText(delivery.dateCreated),
    nextAttempt: delivery.nextAttemptAt,
    nextAttemptText: utcText(delivery.nextAttemptAt),
    deadReason: delivery.deadReason,
    attempts: delivery.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      outcome: attempt.outcome ?? 'in flight',
      statusCode: attempt.statusCode,
      error: [attempt.errorCode, attempt.error].filter((part) => part).join(': '),
      duration: durationText(attempt.durationMs),
      target: attempt.target ?? '',
      response: (attempt.response ?? '').slice(0, 300),
      started: attempt.dateStarted,
      startedText: utcText(attempt.dateStarted),
    })),
  };
}

/** Issues: the list (open, resolved or all, a page at a time) and one issue with its runs and its deliveries. */
export class IssuesPage {
  constructor(private readonly kit: PageKit) {}

  async list(session: Session, org: string, query: Form): Promise<string> {
    const filters = issueFilters(query);
    const [issues, projects] = await Promise.all([
      session.api.get<ApiIssue[]>(
        `${orgPath(org)}/issues/${queryString({
          status: filters.status === 'all' ? undefined : filters.status,
          project: filters.project,
          monitor: filters.monitor,
          cursor: filters.cursor,
          per_page: 50,
        })}`,
      ),
      session.api.get<Array<{ slug: string; name: string }>>(`${orgPath(org)}/projects/`),
    ]);
    // A project or monitor filter the API does not know is a 400 naming it: shown above an empty list.
    if (issues.status !== 200 && issues.status !== 400) throw failure(issues);
    if (projects.status !== 200) throw failure(projects);
    const rows = (issues.status === 200 ? issues.body : []).map((issue) => ({
      ...issue,
      openingLabel: STATUS_LABELS[issue.openingStatus],
      openedText: utcText(issue.dateOpened),
      lastFailureText: utcText(issue.dateLastFailure),
      resolvedText: utcText(issue.dateResolved),
    }));
    const next = issues.status === 200 ? nextCursor(issues.headers['link']) : null;
    const base = { status: filters.status, project: filters.project, monitor: filters.monitor };
    return renderPage(this.kit, session, { title: 'Issues', current: 'issues' }, '@issues', {
      org,
      filters,
      projects: projects.body,
      issues: rows,
      error: issues.status === 400 ? ((issues.body as { error?: { message?: string } }).error?.message ?? 'the filter was refused') : null,
      nextUrl: next ? webPath(org, `issues/${queryString({ ...base, cursor: next })}`) : null,
      firstUrl: filters.cursor ? webPath(org, `issues/${queryString(base)}`) : null,
    });
  }

  async detail(session: Session, org: string, id: string): Promise<string> {
    const issue = await session.api.get<ApiIssueDetail>(`${orgPath(org)}/issues/${encodeURIComponent(id)}/`);
    if (issue.status !== 200) throw failure(issue, `There is no issue "${id}" here.`);
    const deliveries = await session.api.get<ApiDelivery[]>(`${orgPath(org)}/issues/${encodeURIComponent(id)}/deliveries/${queryString({ per_page: 100 })}`);
    if (deliveries.status !== 200) throw failure(deliveries);
    const body = issue.body;
    const runs = [runRow('Opened it', body.checkIns.opening), ...(body.resolvingCheckInId ? [runRow('Resolved it', body.checkIns.resolving)] : [])];
    const failures = body.checkIns.failures.map((run) => runRow('Failure', run));
    return renderPage(this.kit, session, { title: `Issue: ${body.monitor.name} in ${body.environment}`, current: 'issues' }, '@issue', {
      org,
      issue: {
        ...body,
        openingLabel: STATUS_LABELS[body.openingStatus],
        openedText: utcText(body.dateOpened),
        lastFailureText: utcText(body.dateLastFailure),
        resolvedText: utcText(body.dateResolved),
      },
      runs,
      failures,
      deliveries: deliveries.body.map(deliveryRow),
    });
  }
}
