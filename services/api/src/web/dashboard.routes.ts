import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { VigilConfig } from '@vigil/config';
import { isSessionToken } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ApiTokenRepository } from '../auth/api-token.repository';
import { DashboardAssets } from './assets';
import { csrfTokenFor, newPreSessionCsrf, sameToken } from './auth/csrf';
import { SignIn } from './auth/sign-in.usecase';
import { WebSessionRepository } from './auth/web-session.repository';
import { ApiClient, queryString } from './http/api-client';
import { apiFailure, PageError, type Session } from './page-context';
import { PRE_SESSION_CSRF_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './http/cookies';
import { STATE_FILTERS } from '../monitor-environments/display-status';
import { tagList } from '../common/tags';
import { DISPLAY_STATUSES, STATUS_LABELS, worstStatus, type ApiMonitor } from './monitor-view';
import { fingerprint, monitorRow, nextCursor, RANGE_NAMES, RANGES, type ApiMonitorStats, type RangeName } from './page-data';
import { MonitorPage, monitorRange } from './monitor-page';
import { registerPages } from './pages/pages.routes';
import { DashboardViews, type SessionView } from './views/dashboard-views';

type Form = Record<string, string | undefined>;

/** At most this many tags in the list's tag filter (words of the field; the API takes up to 100). */
const MAX_FILTER_TAGS = 10;

/** Monitors on a page of the list (failing first over all of them); the page says how many there are and links the next. */
const LIST_PAGE_SIZE = 50;
/** A poll answered 204 whose page is the same under a new version gets the new `since` in this header (the browser script keeps it). */
const SINCE_HEADER = 'x-vigil-since';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

function safeNext(value: string | undefined, fallback: string): string {
  return value && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback;
}

/**
 * The dashboard: server-rendered pages on the API's own Fastify instance (decision 0024). Pages read and write
 * only through the API's endpoints, called in-process with the member's session token; this file holds the
 * HTTP glue (sessions, CSRF, forms, redirects) and leaves every rule about monitors to the API.
 */
export function registerDashboard(app: NestFastifyApplication, config: VigilConfig): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const sessions = new WebSessionRepository(app.get(DataSource));
  const tokens = app.get(ApiTokenRepository);
  const signIn = new SignIn(sessions, config);
  const assets = new DashboardAssets();
  const views = new DashboardViews(assets);
  const monitorPage = new MonitorPage(views, config);

  const html = (reply: FastifyReply, status: number, body: string): FastifyReply =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(body);

  const sessionView = async (session: Session): Promise<SessionView> => {
    const member = await session.api.get<{ email: string }>(`/api/0/organizations/${session.org}/members/${session.memberId}/`);
    return { org: session.org, email: member.status === 200 ? member.body.email : '', role: session.role };
  };

  const errorPage = async (reply: FastifyReply, session: Session | null, error: PageError): Promise<FastifyReply> =>
    html(
      reply,
      error.status,
      views.page({ title: error.heading, session: session ? await sessionView(session) : null, csrf: session?.csrf ?? null }, '@error', {
        heading: error.heading,
        message: error.message,
      }),
    );

  async function findSession(request: FastifyRequest): Promise<Session | null> {
    const token = readCookie(request, SESSION_COOKIE);
    if (!token || !isSessionToken(token)) return null;
    const grant = await tokens.findGrant(token);
    if (!grant || grant.memberId === null) return null;
    return {
      token,
      org: grant.organizationSlug,
      memberId: grant.memberId,
      role: grant.memberRole ?? 'read-only',
      csrf: csrfTokenFor(token),
      api: new ApiClient(app, token),
    };
  }

  /** Runs a page handler for a signed-in member: without a session, the sign-in page (then back here). */
  const page =
    (handler: (request: FastifyRequest, reply: FastifyReply, session: Session) => Promise<FastifyReply>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const session = await findSession(request);
      if (!session) {
        if (request.method !== 'GET') return errorPage(reply, null, new PageError(401, 'Signed out', 'Your session ended: sign in again.'));
        return reply.redirect(`/signin${queryString({ next: request.url })}`, 303);
      }
      if (request.method === 'POST') {
        const form = (request.body ?? {}) as Form;
        const sent = form['_csrf'] ?? (request.headers['x-csrf-token'] as string | undefined);
        if (!sameToken(sent, session.csrf))
          return errorPage(
            reply,
            session,
            new PageError(403, 'Not allowed', 'The form is stale or was sent from another site (CSRF check): reload the page and try again.'),
          );
      }
      try {
        return await handler(request, reply, session);
      } catch (error) {
        if (error instanceof PageError) return errorPage(reply, session, error);
        throw error;
      }
    };

  fastify.get('/assets/:name', async (request, reply) => {
    const found = assets.find(request.url.split('?', 1)[0]!);
    if (!found) return reply.status(404).header('content-type', 'text/plain').send('not found');
    return reply
      .header('content-type', found.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(found.body);
  });

  fastify.get('/', async (request, reply) => {
    const session = await findSession(request);
    return reply.redirect(session ? `/orgs/${session.org}/monitors/` : '/signin', 303);
  });

  const signInPage = (reply: FastifyReply, status: number, values: { next: string; email: string; error: string | null }, csrf: string) => {
    return html(reply, status, views.page({ title: 'Sign in', session: null, csrf: null }, '@sign-in', { ...values, csrf }));
  };

  fastify.get('/signin', async (request, reply) => {
    const session = await findSession(request);
    const query = request.query as Form;
    if (session) return reply.redirect(safeNext(query['next'], `/orgs/${session.org}/monitors/`), 303);
    const csrf = newPreSessionCsrf();
    setCookie(request, reply, PRE_SESSION_CSRF_COOKIE, csrf, 3600);
    return signInPage(reply, 200, { next: safeNext(query['next'], ''), email: '', error: null }, csrf);
  });

  fastify.post('/signin', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const email = (form['email'] ?? '').slice(0, 254);
    const next = safeNext(form['next'], '');
    const csrf = newPreSessionCsrf();
    if (!sameToken(form['_csrf'], readCookie(request, PRE_SESSION_CSRF_COOKIE))) {
      setCookie(request, reply, PRE_SESSION_CSRF_COOKIE, csrf, 3600);
      return signInPage(reply, 403, { next, email, error: 'The form is stale or was sent from another site (CSRF check): try again.' }, csrf);
    }
    try {
      const result = await signIn.run(email, (form['password'] ?? '').slice(0, 1000), request.ip);
      setCookie(request, reply, SESSION_COOKIE, result.token, config.VIGIL_WEB_SESSION_HOURS * 3600);
      setCookie(request, reply, PRE_SESSION_CSRF_COOKIE, '', 0);
      return reply.redirect(next || `/orgs/${result.organizationSlug}/monitors/`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'unauthorized' && error.kind !== 'rate_limited')) throw error;
      setCookie(request, reply, PRE_SESSION_CSRF_COOKIE, csrf, 3600);
      if (error.kind === 'rate_limited') void reply.header('retry-after', String(error.retryAfterSeconds ?? 60));
      const message =
        error.kind === 'rate_limited'
          ? `Too many failed sign-ins. ${error.message.replace(/^too many failed sign-ins: /, 'Please ')}.`
          : 'The email address or the password is wrong.';
      return signInPage(reply, error.kind === 'rate_limited' ? 429 : 401, { next, email, error: message }, csrf);
    }
  });

  fastify.post(
    '/signout',
    page(async (request, reply, session) => {
      await sessions.close(session.token);
      setCookie(request, reply, SESSION_COOKIE, '', 0);
      return reply.redirect('/signin', 303);
    }),
  );

  // The monitors list: the page, and the fragment its poll asks for (204 while unchanged).
  interface ListFilters {
    project: string;
    environment: string;
    status: string;
    /** Tags separated by spaces: only monitors with every one (the API's repeated `tag=`). */
    tag: string;
    q: string;
    range: RangeName;
    page: number;
  }
  /** The tag filter's words: typed in one field as words separated by spaces, or repeated in the URL (`tag=a&tag=b`). */
  const tagWords = (value: string | string[] | undefined): string[] =>
    [...new Set(tagList((Array.isArray(value) ? value.join(' ') : (value ?? '')).slice(0, 200)))].slice(0, MAX_FILTER_TAGS);
  const listFilters = (query: Form): ListFilters => ({
    project: (query['project'] ?? '').slice(0, 64),
    environment: (query['environment'] ?? '').slice(0, 64),
    status: (STATE_FILTERS as readonly string[]).includes(query['status'] ?? '') ? (query['status'] as string) : '',
    tag: tagWords((query as Record<string, string | string[] | undefined>)['tag']).join(' '),
    q: (query['q'] ?? '').slice(0, 200),
    range: (RANGE_NAMES as string[]).includes(query['range'] ?? '') ? (query['range'] as RangeName) : '24h',
    page: /^[1-9][0-9]{0,5}$/.test(query['page'] ?? '') ? Number(query['page']) : 1,
  });
  /** The list's own URL with these filters (the page number left out on the first page). */
  const listUrl = (org: string, filters: ListFilters, path = 'monitors/'): string =>
    `/orgs/${encodeURIComponent(org)}/${path}${queryString({ ...filters, page: filters.page > 1 ? filters.page : undefined })}`;

  /** The organization's monitors version (`monitors-version`), read before the list so a change during the read is seen by the next poll. */
  async function monitorsVersion(session: Session, org: string): Promise<string> {
    const answer = await session.api.get<{ version: string }>(`/api/0/organizations/${encodeURIComponent(org)}/monitors-version/`);
    if (answer.status !== 200) throw apiFailure(answer);
    return answer.body.version;
  }

  /**
   * One page of the list (LIST_PAGE_SIZE monitors, failing first over every monitor the filters find: the API's
   * `sort=status`), with its timelines from one stats query. `since` is what the poll sends back: the monitors'
   * version, until when the page stays right without a change (the next timeline bucket or expected check-in),
   * and a fingerprint of what it shows.
   */
  async function monitorList(
    session: Session,
    org: string,
    filters: ListFilters,
    version: string,
  ): Promise<{ html: string; failing: number; since: string; fingerprint: string }> {
    const began = Date.now();
    const range = RANGES[filters.range];
    const now = Date.now();
    const until = Math.ceil(now / 1000);
    const selection = {
      project: filters.project,
      environment: filters.environment,
      query: filters.q,
      state: filters.status,
      tag: tagWords(filters.tag),
      sort: 'status',
      per_page: LIST_PAGE_SIZE,
      cursor: filters.page > 1 ? `${LIST_PAGE_SIZE}:${filters.page - 1}:0` : undefined,
    };
    const list = await session.api.get<ApiMonitor[]>(`/api/0/organizations/${encodeURIComponent(org)}/monitors/${queryString(selection)}`);
    if (list.status !== 200) throw apiFailure(list);
    const monitors = list.body;
    const total = Number(list.headers['x-hits'] ?? monitors.length);
    const failing = Number(list.headers['x-failing'] ?? 0);
    // The page's timelines by slug, after the page: asking monitors-stats for the same page of the list at once would
    // be as fast on an idle machine but order the whole list twice (bench:web: 10-20 % more CPU a page).
    let stats: ApiMonitorStats | null = null;
    if (monitors.length > 0) {
      const answer = await session.api.get<ApiMonitorStats>(
        `/api/0/organizations/${encodeURIComponent(org)}/monitors-stats/${queryString({
          monitor: monitors.map((monitor) => monitor.slug),
          since: until - range.seconds,
          until,
          resolution: String(range.resolution),
          environment: filters.environment,
        })}`,
      );
      if (answer.status !== 200) throw apiFailure(answer);
      stats = answer.body;
    }
    const rows = monitors.map((monitor) => monitorRow(monitor, stats, now, worstStatus(monitor)));
    const first = (filters.page - 1) * LIST_PAGE_SIZE;
    const pages = {
      first: monitors.length === 0 ? 0 : first + 1,
      last: first + monitors.length,
      previous: filters.page > 1 ? listUrl(org, { ...filters, page: Math.min(filters.page - 1, Math.max(1, Math.ceil(total / LIST_PAGE_SIZE))) }) : null,
      next: nextCursor(list.headers['link']) !== null ? listUrl(org, { ...filters, page: filters.page + 1 }) : null,
      firstPage: filters.page > 1 ? listUrl(org, { ...filters, page: 1 }) : null,
      size: LIST_PAGE_SIZE,
    };
    const data = { org, monitors: rows, failing, total, pages, rangeLabel: filters.range };
    // The fingerprint leaves out relative times (the browser keeps those current).
    const shown = fingerprint(
      JSON.stringify({
        ...data,
        monitors: rows.map((row) => ({ ...row, environments: row.environments.map((env) => ({ ...env, lastCheckInText: '', nextCheckInText: '' })) })),
      }),
    );
    // Without a change, the page stays right until its timeline gains a bucket or an expected check-in is missed.
    const expiries = monitors.flatMap((monitor) => monitor.environments.map((env) => (env.nextCheckInLatest ? Date.parse(env.nextCheckInLatest) : Infinity)));
    const nextBucket = (Math.floor(now / 1000 / range.resolution) + 1) * range.resolution * 1000;
    const validUntil = Math.min(nextBucket, ...expiries.filter((at) => at > now));
    const since = `${version}.${validUntil.toString(36)}.${shown}`;
    // A list that takes long to read polls less often (at most a quarter of the API's time per open tab).
    const pollMs = Math.max(config.VIGIL_WEB_POLL_MS, Math.ceil((4 * (Date.now() - began)) / 500) * 500);
    const liveUrl = listUrl(org, filters, 'monitors-live');
    // A tag of a monitor links to the list with only that tag (the other filters kept).
    const tagUrl = (tag: string): string => listUrl(org, { ...filters, tag, page: 1 });
    return { html: views.fragment('@monitor-list', { ...data, liveUrl, since, pollMs, tagUrl }), failing, since, fingerprint: shown };
  }

  fastify.get(
    '/orgs/:org/monitors',
    page(async (request, reply, session) => {
      const { org } = request.params as { org: string };
      const filters = listFilters(request.query as Form);
      const [projects, version, member] = await Promise.all([
        session.api.get<Array<{ slug: string; name: string }>>(`/api/0/organizations/${encodeURIComponent(org)}/projects/`),
        monitorsVersion(session, org),
        sessionView(session),
      ]);
      if (projects.status !== 200) throw apiFailure(projects);
      const list = await monitorList(session, org, filters, version);
      const statuses = [{ value: 'failing', label: 'Failing' }, ...DISPLAY_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] }))];
      const body = views.page({ title: 'Monitors', session: member, csrf: session.csrf, failing: list.failing }, '@monitors', {
        org,
        filters,
        projects: projects.body,
        statuses,
        ranges: RANGE_NAMES,
        list: list.html,
      });
      return html(reply, 200, body);
    }),
  );

  fastify.get(
    '/orgs/:org/monitors-live',
    page(async (request, reply, session) => {
      const { org } = request.params as { org: string };
      const query = request.query as Form;
      const [sentVersion = '', sentUntil = '', sentFingerprint = ''] = (query['since'] ?? '').split('.');
      const version = await monitorsVersion(session, org);
      // Nothing changed and no time passed that changes the page: answered from the version alone.
      if (version === sentVersion && Date.now() < parseInt(sentUntil, 36)) return reply.status(204).header('cache-control', 'no-store').send();
      const list = await monitorList(session, org, listFilters(query), version);
      if (list.fingerprint === sentFingerprint) return reply.status(204).header('cache-control', 'no-store').header(SINCE_HEADER, list.since).send();
      return html(reply, 200, list.html);
    }),
  );

  fastify.get(
    '/orgs/:org/monitors/:slug',
    page(async (request, reply, session) =>
      html(
        reply,
        200,
        await monitorPage.render(session, request.params as { org: string; slug: string }, await sessionView(session), {
          range: monitorRange((request.query as Form)['range']),
        }),
      ),
    ),
  );

  fastify.get(
    '/orgs/:org/monitors/:slug/live',
    page(async (request, reply, session) => {
      const { org, slug } = request.params as { org: string; slug: string };
      const query = request.query as Form;
      const state = await monitorPage.state(session, org, slug, monitorRange(query['range']));
      if (query['since'] === state.version) return reply.status(204).header('cache-control', 'no-store').send();
      return html(reply, 200, state.html);
    }),
  );

  fastify.post(
    '/orgs/:org/monitors/:slug/actions',
    page(async (request, reply, session) => {
      const params = request.params as { org: string; slug: string };
      const outcome = await monitorPage.act(session, params, (request.body ?? {}) as Form);
      if (outcome.redirect) return reply.redirect(outcome.redirect, 303);
      return html(reply, outcome.status, await monitorPage.render(session, params, await sessionView(session), { error: outcome.error }));
    }),
  );

  fastify.post(
    '/orgs/:org/monitors/:slug/edit',
    page(async (request, reply, session) => {
      const params = request.params as { org: string; slug: string };
      const form = (request.body ?? {}) as Form;
      const outcome = await monitorPage.edit(session, params, form);
      if (outcome.redirect) return reply.redirect(outcome.redirect, 303);
      return html(
        reply,
        outcome.status,
        await monitorPage.render(session, params, await sessionView(session), { error: outcome.error, fieldErrors: outcome.fieldErrors, form }),
      );
    }),
  );

  // Issues, alerts, settings, account and Vigil's status (pages/): the same session, CSRF and error pages.
  registerPages({ app, fastify, config, views, sessions, page, html, sessionView });
}
