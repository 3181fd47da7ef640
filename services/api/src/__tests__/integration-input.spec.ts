import { domainErrorOf } from '@vigil/errors/testing';
import { parseIntegrationCreate, parseIntegrationUpdate, testNotificationMonitor } from '../integrations/integration-input';

const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';
const SECRET = 'vigil_whsec_unit-test-secret-0123';

describe('parseIntegrationCreate', () => {
  it('takes name, type and config, and normalizes the config', () => {
    expect(parseIntegrationCreate({ name: ' Ops pager ', type: 'pagerduty', config: { routing_key: ROUTING_KEY } })).toEqual({
      name: 'Ops pager',
      config: { type: 'pagerduty', routing_key: ROUTING_KEY, severity: 'critical' },
    });
    expect(
      parseIntegrationCreate({ name: 'Hook', type: 'webhook', config: { type: 'webhook', url: 'https://ops.example.com/h', secret: SECRET } }).config,
    ).toEqual({
      type: 'webhook',
      url: 'https://ops.example.com/h',
      secret: SECRET,
    });
  });

  it.each([
    ['an unknown type', { name: 'x', type: 'carrier-pigeon', config: {} }, 'type'],
    ['no type', { name: 'x', config: {} }, 'type'],
    ['a malformed Slack URL', { name: 'x', type: 'slack', config: { webhook_url: 'not a url' } }, 'config.webhook_url'],
    ['a missing routing key', { name: 'x', type: 'pagerduty', config: {} }, 'config.routing_key'],
    ['a short webhook secret', { name: 'x', type: 'webhook', config: { url: 'https://a.example.com', secret: 'short' } }, 'config.secret'],
    ['a bad recipient', { name: 'x', type: 'email', config: { to: ['ops@example.com', 'nope'] } }, 'config.to[1]'],
    ['a field the type does not have', { name: 'x', type: 'slack', config: { webhook_url: 'https://hooks.example.com/x', channel: '#ops' } }, 'config.channel'],
    ['a config type that disagrees', { name: 'x', type: 'slack', config: { type: 'webhook', webhook_url: 'https://hooks.example.com/x' } }, 'config.type'],
    ['no config', { name: 'x', type: 'slack' }, 'config'],
    ['no name', { type: 'slack', config: { webhook_url: 'https://hooks.example.com/x' } }, 'name'],
    ['an unknown top-level field', { name: 'x', type: 'slack', config: {}, enabled: true }, 'enabled'],
  ])('refuses %s, naming the field', (_case, body, field) => {
    expect(domainErrorOf(() => parseIntegrationCreate(body))).toMatchObject({ kind: 'invalid', field });
  });

  it('refuses a body that is not an object', () => {
    expect(domainErrorOf(() => parseIntegrationCreate([]))).toMatchObject({ kind: 'invalid', code: 'invalid_body' });
  });

  it('refuses a redacted value copied from a response', () => {
    expect(
      domainErrorOf(() => parseIntegrationCreate({ name: 'x', type: 'slack', config: { webhook_url: 'https://hooks.slack.com/[REDACTED]' } })),
    ).toMatchObject({
      field: 'config.webhook_url',
    });
  });
});

describe('parseIntegrationUpdate', () => {
  const current = { type: 'webhook' as const, url: 'https://ops.example.com/h', secret: SECRET };

  it('keeps config fields left out (a rename needs no secret), replaces the ones sent', () => {
    expect(parseIntegrationUpdate({ name: 'Renamed' }, current)).toEqual({ name: 'Renamed' });
    expect(parseIntegrationUpdate({ config: { url: 'https://new.example.com/h' } }, current)).toEqual({
      config: { ...current, url: 'https://new.example.com/h' },
    });
  });

  it('refuses a type change and a redacted secret sent back', () => {
    expect(domainErrorOf(() => parseIntegrationUpdate({ type: 'slack' }, current))).toMatchObject({ field: 'type' });
    expect(domainErrorOf(() => parseIntegrationUpdate({ config: { secret: '[REDACTED]' } }, current))).toMatchObject({ field: 'config.secret' });
  });

  it('validates the merged config', () => {
    expect(domainErrorOf(() => parseIntegrationUpdate({ config: { url: 'javascript:alert(1)' } }, current))).toMatchObject({ field: 'config.url' });
  });
});

// The monitor a test notification names went into the SQL as it came and, not being a string, into the error
// message as "[object Object]": it is a slug, or nothing.
describe('testNotificationMonitor', () => {
  it('takes a slug, or nothing', () => {
    expect(testNotificationMonitor('nightly-backup')).toBe('nightly-backup');
    expect(testNotificationMonitor(undefined)).toBeUndefined();
  });

  it.each([[{ slug: 'nightly-backup' }], [42], [['nightly-backup']], [null], ['']])('refuses %j, naming the field', (monitor) => {
    expect(domainErrorOf(() => testNotificationMonitor(monitor))).toMatchObject({ kind: 'invalid', code: 'invalid_monitor', field: 'monitor' });
  });
});
