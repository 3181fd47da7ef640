import { type DomainError, ERROR_KINDS, errorBody } from '@vigil/errors';
import { domainErrorOf } from '@vigil/errors/testing';
import {
  describeTarget,
  generateWebhookSecret,
  INVALID_INTEGRATION_CONFIG,
  parseIntegrationConfig,
  redactIntegrationConfig,
  type ParseOptions,
} from '../index';

const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';
const SECRET = 'whsec_0123456789abcdef';

/** The DomainError `parseIntegrationConfig` refuses this input with. */
function rejection(input: unknown, options?: ParseOptions): DomainError {
  return domainErrorOf(() => parseIntegrationConfig(input, options));
}

describe('integration config: accepted', () => {
  it('email: trims and drops duplicate recipients (case-insensitively)', () => {
    expect(parseIntegrationConfig({ type: 'email', to: [' ops@example.com', 'Ops@Example.com', 'dev+cron@sub.example.org'] })).toEqual({
      type: 'email',
      to: ['ops@example.com', 'dev+cron@sub.example.org'],
    });
  });

  it('slack, pagerduty (severity defaults to critical) and webhook', () => {
    expect(parseIntegrationConfig({ type: 'slack', webhook_url: 'https://hooks.slack.com/services/T0/B0/xyz' })).toEqual({
      type: 'slack',
      webhook_url: 'https://hooks.slack.com/services/T0/B0/xyz',
    });
    expect(parseIntegrationConfig({ type: 'pagerduty', routing_key: ROUTING_KEY })).toEqual({
      type: 'pagerduty',
      routing_key: ROUTING_KEY,
      severity: 'critical',
    });
    expect(parseIntegrationConfig({ type: 'pagerduty', routing_key: ROUTING_KEY, severity: 'warning' })).toMatchObject({ severity: 'warning' });
    expect(parseIntegrationConfig({ type: 'webhook', url: 'http://127.0.0.1:9000/hook', secret: SECRET })).toEqual({
      type: 'webhook',
      url: 'http://127.0.0.1:9000/hook',
      secret: SECRET,
    });
  });

  it('generated webhook secrets are valid and distinct', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^vigil_whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
    expect(parseIntegrationConfig({ type: 'webhook', url: 'https://example.com/', secret: a })).toMatchObject({ secret: a });
  });
});

describe('integration config: rejected with the field and the rule', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['unknown type', { type: 'sms', to: '+1' }, 'type', /^type must be one of email, slack, pagerduty, webhook$/],
    ['missing type', { webhook_url: 'https://x.example' }, 'type', /^type must be one of/],
    ['no recipients', { type: 'email', to: [] }, 'to', /^to must be a list of 1 to 20 email addresses$/],
    ['recipients not a list', { type: 'email', to: 'ops@example.com' }, 'to', /^to must be a list/],
    ['too many recipients', { type: 'email', to: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`) }, 'to', /^to may hold at most 20 addresses$/],
    ['bad recipient', { type: 'email', to: ['ops@example.com', 'not an address'] }, 'to[1]', /^to\[1\] must be an email address like ops@example.com$/],
    ['header injection in recipient', { type: 'email', to: ['ops@example.com\r\nBcc: x@evil.example'] }, 'to[0]', /must be an email address/],
    [
      'malformed Slack URL',
      { type: 'slack', webhook_url: 'hooks.slack.com/services/x' },
      'webhook_url',
      /^webhook_url must be an absolute http or https URL of at most 2048 characters$/,
    ],
    ['Slack URL of another scheme', { type: 'slack', webhook_url: 'ftp://hooks.slack.com/x' }, 'webhook_url', /must be an absolute http or https URL/],
    ['missing Slack URL', { type: 'slack' }, 'webhook_url', /must be an absolute http or https URL/],
    [
      'credentials in a URL',
      { type: 'webhook', url: 'https://user:pw@example.com/hook', secret: SECRET },
      'url',
      /^url must not contain a user name or password$/,
    ],
    ['URL too long', { type: 'webhook', url: `https://example.com/${'a'.repeat(2048)}`, secret: SECRET }, 'url', /at most 2048 characters/],
    ['missing routing key', { type: 'pagerduty' }, 'routing_key', /^routing_key is required: the 32-character integration key/],
    ['short routing key', { type: 'pagerduty', routing_key: 'abc' }, 'routing_key', /32-character/],
    ['bad severity', { type: 'pagerduty', routing_key: ROUTING_KEY, severity: 'high' }, 'severity', /^severity must be one of critical, error, warning, info$/],
    [
      'missing secret',
      { type: 'webhook', url: 'https://example.com/hook' },
      'secret',
      /^secret is required: 16 to 256 printable ASCII characters without spaces$/,
    ],
    ['short secret', { type: 'webhook', url: 'https://example.com/hook', secret: 'short' }, 'secret', /16 to 256/],
    ['secret with a space', { type: 'webhook', url: 'https://example.com/hook', secret: 'has a space in it!!' }, 'secret', /without spaces/],
    [
      'a field of another type',
      { type: 'slack', webhook_url: 'https://hooks.slack.com/x', routing_key: ROUTING_KEY },
      'routing_key',
      /^routing_key is not a field of a slack integration \(allowed: type, webhook_url\)$/,
    ],
  ])('%s', (_name, input, field, message) => {
    const error = rejection(input);
    expect(error.kind).toBe('invalid');
    expect(ERROR_KINDS[error.kind]).toBe(400);
    expect(error.code).toBe(INVALID_INTEGRATION_CONFIG);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('prefixes field names when the config is nested, and becomes the API 400 body', () => {
    const error = rejection({ type: 'pagerduty', routing_key: 'nope' }, { fieldPrefix: 'config.' });
    expect(errorBody(error)).toEqual({
      error: { code: 'invalid_integration_config', message: expect.stringMatching(/^config\.routing_key is required/) as string, field: 'config.routing_key' },
    });
    expect(rejection('slack', { fieldPrefix: 'config.' })).toMatchObject({ field: 'config', message: 'config must be an object' });
    expect(rejection(null)).toMatchObject({ field: undefined, message: 'integration config must be an object' });
  });

  it('never echoes a credential value', () => {
    for (const input of [
      { type: 'pagerduty', routing_key: 'supersecretroutingkey' },
      { type: 'webhook', url: 'https://example.com', secret: 'tiny-secret' },
      { type: 'webhook', url: 'https://user:hunter2pass@example.com/x', secret: SECRET },
    ]) {
      const error = rejection(input);
      expect(error.message).not.toMatch(/supersecretroutingkey|tiny-secret|hunter2pass/);
    }
  });
});

describe('integration config: safe descriptions', () => {
  it('targets and redacted configs hold no credential', () => {
    const slack = parseIntegrationConfig({ type: 'slack', webhook_url: 'https://hooks.slack.com/services/T0/B0/s3cr3tT0ken' });
    const pagerduty = parseIntegrationConfig({ type: 'pagerduty', routing_key: ROUTING_KEY });
    const webhook = parseIntegrationConfig({ type: 'webhook', url: 'https://example.com/hook?token=abc', secret: SECRET });
    const email = parseIntegrationConfig({ type: 'email', to: ['a@example.com', 'b@example.com'] });
    expect([slack, pagerduty, webhook, email].map(describeTarget)).toEqual([
      'slack:https://hooks.slack.com',
      'pagerduty:…BCDE',
      'webhook:https://example.com',
      'email:2 recipients',
    ]);
    const shown = JSON.stringify([slack, pagerduty, webhook].map(redactIntegrationConfig));
    expect(shown).not.toMatch(/s3cr3tT0ken|R0123456789abcdef|whsec_0123/);
    expect(redactIntegrationConfig(webhook)).toEqual({ type: 'webhook', url: 'https://example.com/hook?token=abc', secret: '[REDACTED]' });
  });
});
