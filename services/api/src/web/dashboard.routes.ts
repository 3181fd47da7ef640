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
import { DISPLAY_STATUSES, displayStatus, FAILING, sortFailingFirst, STATUS_LABELS, worstStatus, type ApiMonitor } from './monitor-view';
import { countFailing, fingerprint, monitorRow, nextCursor, RANGE_NAMES, RANGES, type ApiMonitorStats, type RangeName } from './page-data';
import { MonitorPage } from './monitor-page';
import { registerPages } from './pages/pages.routes';
import { DashboardViews, type SessionView } from './views/dashboard-views';

type Form = Record<string, string | undefined>;

/** Most monitors the list shows (ten API pages); the summary says when there are more. */
const LIST_LIMIT = 1000;
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
    q: string;
    range: RangeName;
  }
  const listFilters = (query: Form): ListFilters => ({
    project: (query['project'] ?? '').slice(0, 64),
    environment: (query['environment'] ?? '').slice(0, 64),
    status: (DISPLAY_STATUSES as readonly string[]).includes(query['status'] ?? '') || query['status'] === 'failing' ? (query['status'] as string) : '',
    q: (query['q'] ?? '').slice(0, 200),
    range: (RANGE_NAMES as string[]).includes(query['range'] ?? '') ? (query['range'] as RangeName) : '24h',
  });

  async function monitorList(session: Session, org: string, filters: ListFilters): Promise<{ html: string; failing: number; version: string }> {
    const began = Date.now();
    // Pages of 100, three at a time (offset cursors `100:<page>:0`, as the Link header names them), until one says
    // there is no next page or LIST_LIMIT is reached.
    const listUrl = (cursor?: string): string =>
      `/api/0/organizations/${encodeURIComponent(org)}/monitors/${queryString({ project: filters.project, environment: filters.environment, query: filters.q, per_page: 100, cursor })}`;
    const monitors: ApiMonitor[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < LIST_LIMIT / 100; page += 3) {
      const wave = Array.from({ length: Math.min(3, LIST_LIMIT / 100 - page) }, (_, index) => page + index);
      const answers = await Promise.all(wave.map((index) => session.api.get<ApiMonitor[]>(listUrl(index === 0 ? undefined : `100:${index}:0`))));
      let more = true;
      for (const answer of answers) {
        if (answer.status !== 200) throw apiFailure(answer);
        if (!more) break;
        monitors.push(...answer.body);
        cursor = nextCursor(answer.headers['link']);
        more = cursor !== null;
      }
      if (!more) break;
    }
    const truncated = cursor !== null;
    const matching = monitors.filter((monitor) => {
      if (filters.status === '') return true;
      const statuses = monitor.environments.map((environment) => displayStatus(monitor, environment));
      if (statuses.length === 0) statuses.push(worstStatus(monitor));
      return filters.status === 'failing' ? statuses.some((status) => FAILING.has(status)) : statuses.includes(filters.status as (typeof statuses)[number]);
    });
    const sorted = sortFailingFirst(matching);
    const range = RANGES[filters.range];
    const now = Date.now();
    const until = Math.ceil(now / 1000);
    const stats: ApiMonitorStats = { start: '', end: '', resolution: range.resolution, buckets: 0, statuses: [], monitors: {} };
    const chunks = Array.from({ length: Math.ceil(sorted.length / 100) }, (_, index) =>
      sorted.slice(index * 100, index * 100 + 100).map((monitor) => monitor.slug),
    );
    const answers = await Promise.all(
      chunks.map((slugs) =>
        session.api.get<ApiMonitorStats>(
          `/api/0/organizations/${encodeURIComponent(org)}/monitors-stats/${queryString({ monitor: slugs, since: until - range.seconds, until, resolution: String(range.resolution), environment: filters.environment })}`,
        ),
      ),
    );
    for (const answer of answers) {
      if (answer.status !== 200) throw apiFailure(answer);
      Object.assign(stats.monitors, answer.body.monitors);
      Object.assign(stats, { start: answer.body.start, end: answer.body.end, buckets: answer.body.buckets, statuses: answer.body.statuses });
    }
    const rows = sorted.map((monitor) => monitorRow(monitor, stats.buckets > 0 ? stats : null, now, worstStatus(monitor)));
    const failing = countFailing(rows);
    const data = { org, monitors: rows, failing, total: rows.length, truncated, rangeLabel: filters.range };
    // The fingerprint leaves out the poll URL (which carries it) and relative times (the browser keeps those current).
    const version = fingerprint(
      JSON.stringify({
        ...data,
        monitors: rows.map((row) => ({ ...row, environments: row.environments.map((env) => ({ ...env, lastCheckInText: '', nextCheckInText: '' })) })),
      }),
    );
    const liveUrl = `/orgs/${encodeURIComponent(org)}/monitors-live${queryString({ ...filters, since: version })}`;
    // A list that takes long to read polls less often (at most a quarter of the API's time per open tab): with
    // thousands of monitors a fixed interval would keep the API busy with one tab (docs/benchmarks.md, bench:web).
    const pollMs = Math.max(config.VIGIL_WEB_POLL_MS, Math.ceil((4 * (Date.now() - began)) / 500) * 500);
    return { html: views.fragment('@monitor-list', { ...data, liveUrl, pollMs }), failing, version };
  }

  fastify.get(
    '/orgs/:org/monitors',
    page(async (request, reply, session) => {
      const { org } = request.params as { org: string };
      const filters = listFilters(request.query as Form);
      const projects = await session.api.get<Array<{ slug: string; name: string }>>(`/api/0/organizations/${encodeURIComponent(org)}/projects/`);
      if (projects.status !== 200) throw apiFailure(projects);
      const list = await monitorList(session, org, filters);
      const statuses = [{ value: 'failing', label: 'Failing' }, ...DISPLAY_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] }))];
      const body = views.page({ title: 'Monitors', session: await sessionView(session), csrf: session.csrf, failing: list.failing }, '@monitors', {
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
      const list = await monitorList(session, org, listFilters(query));
      if (query['since'] === list.version) return reply.status(204).header('cache-control', 'no-store').send();
      return html(reply, 200, list.html);
    }),
  );

  fastify.get(
    '/orgs/:org/monitors/:slug',
    page(async (request, reply, session) =>
      html(reply, 200, await monitorPage.render(session, request.params as { org: string; slug: string }, await sessionView(session), {})),
    ),
  );

  fastify.get(
    '/orgs/:org/monitors/:slug/live',
    page(async (request, reply, session) => {
      const { org, slug } = request.params as { org: string; slug: string };
      const state = await monitorPage.state(session, org, slug);
      if ((request.query as Form)['since'] === state.version) return reply.status(204).header('cache-control', 'no-store').send();
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
