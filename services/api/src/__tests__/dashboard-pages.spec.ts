import { isInviteToken, newInviteToken } from '@vigil/db';
import { parseMetricsText } from '@vigil/metrics';
import { ChangePassword } from '../web/auth/change-password.usecase';
import { hashPassword, verifyPassword } from '../web/auth/password';
import type { WebSessionRepository } from '../web/auth/web-session.repository';
import { PageError } from '../web/page-context';
import { configSummary, integrationBody, recipients, ruleBody, type ApiIntegration } from '../web/pages/alerts-page';
import { deliveryRow, issueFilters, runRow, type ApiDelivery } from '../web/pages/issues-page';
import { assignableRoles } from '../web/pages/settings-page';
import { lags, readiness, statusTargets } from '../web/pages/status-page';
import { durationText, formFieldOf, refusalOf, utcText } from '../web/pages/page-kit';

const answer = (status: number, error?: { message: string; field?: string }) => ({ status, body: error ? { error } : null, headers: {} });

describe('dashboard forms: the API refusal beside its field', () => {
  it('names the form field of an API field', () => {
    expect(formFieldOf('config.url')).toBe('url');
    expect(formFieldOf('config.to[3]')).toBe('to');
    expect(formFieldOf('environments[0]')).toBe('environments');
    expect(formFieldOf('name')).toBe('name');
    expect(formFieldOf(undefined)).toBeNull();
  });

  it('puts a 400 beside the field the form has, and at the top otherwise', () => {
    expect(refusalOf(answer(400, { message: 'config.url must be an absolute http or https URL', field: 'config.url' }), ['name', 'url'])).toEqual({
      status: 400,
      error: 'Nothing was saved: see the field marked below.',
      fieldErrors: { url: 'config.url must be an absolute http or https URL' },
    });
    expect(refusalOf(answer(400, { message: 'config must be an object', field: 'config' }), ['name', 'url'])).toEqual({
      status: 400,
      error: 'config must be an object',
      fieldErrors: {},
    });
  });

  it('answers a refusal of the role or a missing object as an error page, never as a form error', () => {
    expect(() => refusalOf(answer(403, { message: 'alerts:write needs the member role or higher' }), ['name'])).toThrow(PageError);
    try {
      refusalOf(answer(404, { message: 'integration "x" not found' }), ['name']);
    } catch (error) {
      expect(error).toMatchObject({ status: 404, heading: 'Not found' });
    }
  });
});

describe('dashboard alerts: form to API body', () => {
  it('sends what was typed, recipients as a list', () => {
    expect(recipients('a@example.com\n b@example.com, c@example.com;;')).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(integrationBody('email', { name: ' Ops ', to: 'a@example.com\nb@example.com' }, 'create')).toEqual({
      name: 'Ops',
      type: 'email',
      config: { to: ['a@example.com', 'b@example.com'] },
    });
    expect(integrationBody('webhook', { name: 'Hook', url: 'not a url', secret: 'x' }, 'create')).toEqual({
      name: 'Hook',
      type: 'webhook',
      config: { url: 'not a url', secret: 'x' },
    });
  });

  it('leaves an empty credential out of an edit (the API keeps the stored one) and never sends the type', () => {
    expect(integrationBody('webhook', { name: 'Hook', url: 'https://example.com/h', secret: '' }, 'update')).toEqual({
      name: 'Hook',
      config: { url: 'https://example.com/h' },
    });
    expect(integrationBody('pagerduty', { name: 'PD', routing_key: '', severity: 'warning' }, 'update')).toEqual({
      name: 'PD',
      config: { severity: 'warning' },
    });
    expect(integrationBody('slack', { name: 'S', webhook_url: '' }, 'update')).toEqual({ name: 'S', config: {} });
  });

  it('makes a whole rule of the form: empty monitor and environments mean every one, unchecked boxes false', () => {
    expect(ruleBody({ project: 'default', monitor: '', integration: 'abc', environments: '', on_open: 'on' })).toEqual({
      project: 'default',
      monitor: null,
      integration: 'abc',
      environments: null,
      on_open: true,
      on_resolve: false,
    });
    expect(ruleBody({ project: 'p', monitor: 'nightly', integration: 'i', environments: 'production, staging,,', on_resolve: 'on' })).toMatchObject({
      monitor: 'nightly',
      environments: ['production', 'staging'],
      on_open: false,
      on_resolve: true,
    });
  });

  it('summarises a config as the API showed it, credentials redacted', () => {
    const integration = (type: ApiIntegration['type'], config: Record<string, unknown>): ApiIntegration => ({
      id: 'i',
      name: 'n',
      type,
      config,
      dateCreated: '',
      dateUpdated: '',
    });
    expect(configSummary(integration('email', { to: ['a@example.com', 'b@example.com'] }))).toBe('a@example.com, b@example.com');
    expect(configSummary(integration('pagerduty', { routing_key: '[REDACTED]abcd', severity: 'critical' }))).toBe(
      'routing key [REDACTED]abcd, severity critical',
    );
    expect(configSummary(integration('webhook', { url: 'https://example.com/h', secret: '[REDACTED]' }))).toBe('https://example.com/h');
  });
});

describe('dashboard issues', () => {
  it('shows open issues unless asked otherwise, and drops a cursor that is not one', () => {
    expect(issueFilters({})).toEqual({ status: 'open', project: '', monitor: '', cursor: '' });
    expect(issueFilters({ status: 'resolved', cursor: '1700000000000:abc:0' })).toMatchObject({ status: 'resolved', cursor: '1700000000000:abc:0' });
    expect(issueFilters({ status: 'everything', cursor: '<script>' })).toMatchObject({ status: 'open', cursor: '' });
  });

  it('names a run that history no longer holds, and each attempt of a delivery', () => {
    expect(runRow('Resolved it', null)).toEqual({ role: 'Resolved it', missing: true });
    expect(
      runRow('Opened it', { id: 'c', status: 'missed', duration: null, dateCreated: '2026-01-01T00:00:00.000Z', dateUpdated: '2026-01-01T00:05:00.000Z' }),
    ).toMatchObject({
      icon: 'missed',
      statusLabel: 'Missed',
      startedText: '2026-01-01 00:00:00 UTC',
      duration: '',
    });
    const delivery: ApiDelivery = {
      id: 'd',
      kind: 'opened',
      status: 'dead',
      integration: { id: 'i', name: 'Hook', type: 'webhook' },
      monitor: { slug: 'm', name: 'M' },
      environment: 'production',
      attemptCount: 1,
      nextAttemptAt: null,
      deadReason: 'permanent',
      dateCreated: '2026-01-01T00:00:00.000Z',
      attempts: [
        {
          attempt: 1,
          outcome: 'permanent',
          statusCode: 404,
          errorCode: 'http_status',
          error: 'the receiver answered 404',
          durationMs: 12,
          target: 'https://example.com',
          response: 'no such hook',
          dateStarted: '2026-01-01T00:00:00.000Z',
        },
      ],
    };
    expect(deliveryRow(delivery).attempts[0]).toMatchObject({
      outcome: 'permanent',
      statusCode: 404,
      error: 'http_status: the receiver answered 404',
      duration: '12 ms',
    });
  });

  it('writes times with their zone and durations as people read them', () => {
    expect(utcText('2026-03-01T12:34:56.789Z')).toBe('2026-03-01 12:34:56 UTC');
    expect(utcText(null)).toBe('');
    expect(durationText(850)).toBe('850 ms');
    expect(durationText(12_300)).toBe('12.3 s');
    expect(durationText(185_000)).toBe('3 min 5 s');
    expect(durationText(3_780_000)).toBe('1 h 3 min');
  });
});

describe('changing one’s own password', () => {
  /** The repository's part ChangePassword uses, in memory. */
  function store(hash: string | null) {
    const state = { hash, failures: 0, sessionsOpened: 0 };
    const sessions = {
      failures: async () => new Map([['account:m@example.com', state.failures]]),
      recordFailure: async () => {
        state.failures += 1;
      },
      passwordHashOf: async () => state.hash,
      setPassword: async (_id: string, next: string) => {
        state.hash = next;
      },
      open: async () => {
        state.sessionsOpened += 1;
        return 'vgs_new';
      },
    };
    return { state, sessions: sessions as unknown as WebSessionRepository };
  }
  const limits = {
    VIGIL_WEB_SESSION_HOURS: 1,
    VIGIL_WEB_SIGNIN_WINDOW_MINUTES: 15,
    VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT: 2,
    VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS: 50,
  };
  const member = { memberId: 'm', email: 'M@example.com' };

  it('needs the current password, counts a wrong one as a failed sign-in, and stops at the limit', async () => {
    const { state, sessions } = store(await hashPassword('the current password'));
    const change = new ChangePassword(sessions, limits);
    const next = { current: 'a wrong password', next: 'a brand new password', confirm: 'a brand new password' };
    await expect(change.run(member, next, '127.0.0.1')).rejects.toMatchObject({ code: 'wrong_password', field: 'current_password' });
    await expect(change.run(member, next, '127.0.0.1')).rejects.toMatchObject({ code: 'wrong_password' });
    await expect(change.run(member, { ...next, current: 'the current password' }, '127.0.0.1')).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(state.sessionsOpened).toBe(0);
  });

  it('checks the new password and its repetition, then stores its scrypt hash and opens a new session', async () => {
    const { state, sessions } = store(await hashPassword('the current password'));
    const change = new ChangePassword(sessions, limits);
    const current = 'the current password';
    await expect(change.run(member, { current, next: 'short', confirm: 'short' }, 'a')).rejects.toMatchObject({ field: 'new_password' });
    await expect(change.run(member, { current, next: 'a brand new password', confirm: 'a brand new passw0rd' }, 'a')).rejects.toMatchObject({
      field: 'confirm_password',
    });
    expect(await change.run(member, { current, next: 'a brand new password', confirm: 'a brand new password' }, 'a')).toBe('vgs_new');
    expect(await verifyPassword('a brand new password', state.hash!)).toBe(true);
  });

  it('refuses a member who has no password yet', async () => {
    const { sessions } = store(null);
    await expect(
      new ChangePassword(sessions, limits).run(member, { current: '', next: 'a brand new password', confirm: 'a brand new password' }, 'a'),
    ).rejects.toMatchObject({
      code: 'wrong_password',
    });
  });
});

describe('dashboard settings', () => {
  it('offers the roles the API lets each role hand out', () => {
    expect(assignableRoles('owner')).toEqual(['owner', 'admin', 'member', 'read-only']);
    expect(assignableRoles('admin')).toEqual(['admin', 'member', 'read-only']);
    expect(assignableRoles('member')).toEqual(['member', 'read-only']);
    expect(assignableRoles('nobody')).toEqual([]);
  });

  it('makes invite tokens of 256 random bits and knows them by their shape', () => {
    const token = newInviteToken();
    expect(isInviteToken(token)).toBe(true);
    expect(newInviteToken()).not.toBe(token);
    expect(isInviteToken(`${token}x`)).toBe(false);
    expect(isInviteToken('vgs_' + token.slice(4))).toBe(false);
  });
});

describe('dashboard status of Vigil', () => {
  const ports = {
    VIGIL_INGEST_PORT: 8080,
    VIGIL_API_PORT: 8081,
    VIGIL_SCHEDULER_PORT: 8082,
    VIGIL_ISSUES_PORT: 8083,
    VIGIL_NOTIFIER_PORT: 8084,
    VIGIL_HISTORY_PORT: 8085,
    VIGIL_INGEST_METRICS_PORT: 8090,
  };

  it('asks each service at its configured port on loopback, or where VIGIL_STATUS_URLS says', () => {
    expect(statusTargets({ ...ports, VIGIL_STATUS_URLS: '' }).slice(0, 3)).toEqual([
      { name: 'ingest', readyUrl: 'http://127.0.0.1:8080/readyz', metricsUrl: 'http://127.0.0.1:8090/metrics' },
      { name: 'api', readyUrl: 'http://127.0.0.1:8081/readyz', metricsUrl: 'http://127.0.0.1:8081/metrics' },
      { name: 'scheduler', readyUrl: 'http://127.0.0.1:8082/readyz', metricsUrl: 'http://127.0.0.1:8082/metrics' },
    ]);
    const targets = statusTargets({
      ...ports,
      VIGIL_STATUS_URLS: 'ingest=http://vigil-ingest:8080/,ingest-metrics=http://vigil-ingest:8090,scheduler=https://s.example',
    });
    expect(targets.find((target) => target.name === 'ingest')).toEqual({
      name: 'ingest',
      readyUrl: 'http://vigil-ingest:8080/readyz',
      metricsUrl: 'http://vigil-ingest:8090/metrics',
    });
    expect(targets.find((target) => target.name === 'scheduler')).toMatchObject({ readyUrl: 'https://s.example/readyz' });
    expect(targets.find((target) => target.name === 'history')).toMatchObject({ readyUrl: 'http://127.0.0.1:8085/readyz' });
  });

  it('reads readiness from /readyz: ready, not ready with the failing checks, or unreachable', () => {
    expect(readiness({ status: 200, body: { status: 'ready', checks: { postgres: true } } })).toEqual({ state: 'ready', detail: '', failing: [] });
    expect(readiness({ status: 503, body: { status: 'not_ready', checks: { postgres: true, kafka: false } } })).toEqual({
      state: 'not_ready',
      detail: 'failing: kafka',
      failing: ['kafka'],
    });
    expect(readiness({ status: 502, body: null })).toMatchObject({ state: 'not_ready', detail: 'answered 502' });
    expect(readiness({ error: 'ECONNREFUSED' })).toEqual({ state: 'down', detail: 'ECONNREFUSED', failing: [] });
  });

  it('sums each topic’s consumer lag and reads the clock lag from the metrics', () => {
    const samples = parseMetricsText(
      [
        'vigil_clock_lag_seconds 1.5',
        'vigil_consumer_lag_messages{service="history",topic="vigil.checkins.v1"} 3',
        'vigil_consumer_lag_messages{service="history",topic="vigil.checkins.v1"} 2',
        'vigil_consumer_lag_messages{service="history",topic="vigil.alerts.v1"} 0',
      ].join('\n'),
    );
    expect(lags(samples)).toEqual({
      clockLagSeconds: 1.5,
      consumerLag: [
        { topic: 'vigil.alerts.v1', messages: 0 },
        { topic: 'vigil.checkins.v1', messages: 5 },
      ],
    });
    expect(lags([])).toEqual({ clockLagSeconds: null, consumerLag: [] });
  });
});
