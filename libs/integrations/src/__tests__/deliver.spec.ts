import { loadConfig } from '@vigil/config';
import { deliver, deliveryDepsFromConfig, fromDomain, type DeliveryDeps } from '../index';
import { alertFixture } from './alert-fixture';

describe('delivery dependencies from config', () => {
  it('by default: public addresses only, no SMTP, the PagerDuty endpoint, a 10 s attempt budget', () => {
    const deps = deliveryDepsFromConfig(loadConfig({}));
    expect(deps.mailer).toBeNull();
    expect(deps.pagerDutyEventsUrl).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(deps.http.timeoutMs).toBe(10000);
    expect(deps.http.policy.check('127.0.0.1')).toEqual({ allowed: false, class: 'loopback' });
    expect(deps.http.policy.check('8.8.8.8').allowed).toBe(true);
  });

  it('with an allow-list and an SMTP relay', () => {
    const deps = deliveryDepsFromConfig(
      loadConfig({ VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8,::1', VIGIL_SMTP_HOST: 'smtp.example.com', VIGIL_SMTP_FROM: 'Vigil <alerts@example.com>' }),
    );
    expect(deps.http.policy.check('127.0.0.1').allowed).toBe(true);
    expect(deps.http.policy.check('::1').allowed).toBe(true);
    expect(deps.http.policy.check('10.0.0.1').allowed).toBe(false);
    expect(deps.mailer?.from).toBe('Vigil <alerts@example.com>');
    deps.mailer?.close();
  });

  it('Message-ID domains come from the From address', () => {
    expect(fromDomain('Vigil <alerts@example.com>')).toBe('example.com');
    expect(fromDomain('alerts@mail.example.org')).toBe('mail.example.org');
    expect(fromDomain('Vigil')).toBe('vigil.invalid');
  });
});

describe('deliver without a network', () => {
  const deps: DeliveryDeps = { ...deliveryDepsFromConfig(loadConfig({})), now: () => 1_800_000_000_000 };

  it('an email integration without SMTP settings fails permanently, identified', async () => {
    const attempt = await deliver(alertFixture(), { id: 'i1', config: { type: 'email', to: ['ops@example.com'] } }, deps, 2);
    expect(attempt).toEqual({
      outcome: 'permanent',
      statusCode: null,
      errorCode: 'smtp_not_configured',
      error: 'email is not set up on this Vigil (VIGIL_SMTP_HOST is empty)',
      durationMs: 0,
      retryAfterMs: null,
      response: null,
      integrationId: 'i1',
      channel: 'email',
      target: 'email:1 recipient',
      idempotencyKey: alertFixture().idempotencyKey,
      attempt: 2,
      startedAt: 1_800_000_000_000,
    });
  });

  it('a URL with a literal non-public address is refused before any connection', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:10.0.0.1]/', 'http://0.0.0.0:8080/', 'http://[fd00::1]/']) {
      const attempt = await deliver(alertFixture(), { id: 'i2', config: { type: 'slack', webhook_url: url } }, deps);
      expect(attempt).toMatchObject({ outcome: 'permanent', errorCode: 'address_refused', statusCode: null });
    }
  });
});
