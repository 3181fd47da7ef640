import { ConfigError, configVariables, kafkaBrokers, loadConfig } from '../index';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the local stack defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.VIGIL_INGEST_PORT).toBe(8080);
    expect(kafkaBrokers(config)).toEqual(['127.0.0.1:9092']);
  });

  it('converts numbers and keeps strings', () => {
    const config = loadConfig({ VIGIL_INGEST_PORT: '9090', VIGIL_KAFKA_BROKERS: 'a:1,b:2' });
    expect(config.VIGIL_INGEST_PORT).toBe(9090);
    expect(kafkaBrokers(config)).toEqual(['a:1', 'b:2']);
  });

  it('names each bad variable and its rule', () => {
    const problems = problemsOf({ VIGIL_INGEST_PORT: '70000', VIGIL_API_PORT: 'eighty', VIGIL_KAFKA_BROKERS: 'nohost' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/VIGIL_API_PORT: must be a number \(got "eighty"\)/);
    expect(problems.join('\n')).toMatch(/VIGIL_INGEST_PORT: .*65535/);
    expect(problems.join('\n')).toMatch(/VIGIL_KAFKA_BROKERS: must be a comma-separated list of host:port/);
  });

  it('never echoes a secret value', () => {
    const problems = problemsOf({ VIGIL_POSTGRES_URL: 'mysql://root:hunter2@db' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^VIGIL_POSTGRES_URL: must be a postgres:\/\/ URL$/);
    expect(problems[0]).not.toContain('hunter2');
  });

  it('notifier: delivery and SMTP settings, with their rules', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      VIGIL_NOTIFIER_ALLOWED_CIDRS: '',
      VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS: 10000,
      VIGIL_NOTIFIER_MAX_ATTEMPTS: 5,
      VIGIL_SMTP_HOST: '',
      VIGIL_SMTP_TLS: 'starttls',
      VIGIL_PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com/v2/enqueue',
      VIGIL_NOTIFIER_POLL_MS: 200,
      VIGIL_NOTIFIER_CONCURRENCY: 64,
      VIGIL_PUBLIC_APP_URL: 'http://127.0.0.1:8081',
    });
    expect(loadConfig({ VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8, ::1,fd00::/8' }).VIGIL_NOTIFIER_ALLOWED_CIDRS).toBe('127.0.0.0/8, ::1,fd00::/8');
    const problems = problemsOf({ VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8,10.0.0.0/33', VIGIL_SMTP_TLS: 'ssl', VIGIL_NOTIFIER_MAX_ATTEMPTS: '0' }).join(
      '\n',
    );
    expect(problems).toMatch(
      /VIGIL_NOTIFIER_ALLOWED_CIDRS: must be a comma-separated list of IP addresses or CIDR ranges .*\(got "127\.0\.0\.0\/8,10\.0\.0\.0\/33"\)/,
    );
    expect(problems).toMatch(/VIGIL_SMTP_TLS: must be one of the following values: none, starttls, implicit/);
    expect(problems).toMatch(/VIGIL_NOTIFIER_MAX_ATTEMPTS: must not be less than 1/);
    for (const bad of ['localhost/8', '1.2.3.4/8/8', '::1/129', '10.0.0.0/', '10.0.0.0/-1']) {
      expect(problemsOf({ VIGIL_NOTIFIER_ALLOWED_CIDRS: bad })).toHaveLength(1);
    }
  });

  it('retention: 90 days by default, checked hourly, with their rules', () => {
    expect(loadConfig({})).toMatchObject({ VIGIL_RETENTION_DAYS: 90, VIGIL_RETENTION_CHECK_MS: 3600000 });
    expect(loadConfig({ VIGIL_RETENTION_DAYS: '400' }).VIGIL_RETENTION_DAYS).toBe(400);
    const problems = problemsOf({ VIGIL_RETENTION_DAYS: '29', VIGIL_RETENTION_CHECK_MS: '1000' }).join('\n');
    expect(problems).toMatch(/VIGIL_RETENTION_DAYS: must not be less than 30/);
    expect(problems).toMatch(/VIGIL_RETENTION_CHECK_MS: must not be less than 60000/);
  });

  it('never echoes the SMTP password', () => {
    const problems = problemsOf({ VIGIL_SMTP_PASSWORD: `hunter2${'x'.repeat(1100)}` });
    expect(problems).toEqual([expect.stringMatching(/^VIGIL_SMTP_PASSWORD: /) as string]);
    expect(problems[0]).not.toContain('hunter2');
  });

  it('declares a description for every variable', () => {
    const declared = Object.keys(loadConfig({})).sort();
    expect([...configVariables().keys()].sort()).toEqual(declared);
    for (const options of configVariables().values()) expect(options.description.length).toBeGreaterThan(10);
  });
});
