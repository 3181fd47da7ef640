import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../index';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('writes JSON with the service name and redacts credentials at any depth', () => {
    const { stream, lines } = capture();
    const logger = createLogger('ingest', 'info', stream);
    logger.info(
      {
        monitor_id: 'm1',
        sentry_key: 'abc123',
        req: { headers: { authorization: 'Bearer s3cret', 'x-sentry-auth': 'Sentry sentry_key=abc' } },
        nested: { password: 'pw' },
      },
      'accepted',
    );
    const [line] = lines();
    expect(line).toMatchObject({
      service: 'ingest',
      level: 'info',
      msg: 'accepted',
      monitor_id: 'm1',
      sentry_key: '[REDACTED]',
      nested: { password: '[REDACTED]' },
    });
    expect(JSON.stringify(line)).not.toMatch(/s3cret|abc123|sentry_key=abc|"pw"/);
  });

  it('redacts integration credentials in a logged integration config', () => {
    const { stream, lines } = capture();
    const logger = createLogger('notifier', 'info', stream);
    logger.info(
      {
        integration: { config: { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T/B/tok3n' } },
        routing_key: 'R0123456789abcdef0123456789ABCDE',
        secret: 'whsec_1',
      },
      'delivering',
    );
    const [line] = lines();
    expect(line).toMatchObject({ integration: { config: { type: 'slack', webhook_url: '[REDACTED]' } }, routing_key: '[REDACTED]', secret: '[REDACTED]' });
    expect(JSON.stringify(line)).not.toMatch(/tok3n|R0123456789|whsec_1/);
  });

  it('leaves the logged objects as they were, keeps an error an error, and searches arrays, child bindings and any case', () => {
    const { stream, lines } = capture();
    const logger = createLogger('api', 'info', stream).child({ token: 'child-t0ken' });
    const failure = Object.assign(new Error('refused'), { Authorization: 'Bearer e7ror' });
    const fields = { err: failure, items: [{ Password: 'arr4y' }, { id: 1 }], deep: { a: { b: { secret: 'too-deep-is-kept' } } }, monitor_id: 'm1' };
    logger.info(fields, 'done');
    const [line] = lines();
    expect(JSON.stringify(line)).not.toMatch(/child-t0ken|e7ror|arr4y/);
    expect(line).toMatchObject({
      token: '[REDACTED]',
      items: [{ Password: '[REDACTED]' }, { id: 1 }],
      monitor_id: 'm1',
      err: { message: 'refused', type: 'Error' },
    });
    // Three levels are searched (as documented); a fourth is not.
    expect(line).toMatchObject({ deep: { a: { b: { secret: 'too-deep-is-kept' } } } });
    expect(failure.Authorization).toBe('Bearer e7ror');
    expect(fields.items[0]).toEqual({ Password: 'arr4y' });
    expect(fields.err).toBe(failure);
  });

  it.each([
    ['/api/1/envelope/?sentry_key=abc&sentry_version=7', '/api/1/envelope/?sentry_key=[REDACTED]&sentry_version=7'],
    ['/api/1/cron/nightly/abc123/?status=ok', '/api/1/cron/nightly/[REDACTED]/?status=ok'],
    ['/ping/5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b/start', '/ping/[REDACTED]/start'],
    ['/ping/pingkey123/nightly-backup/fail', '/ping/[REDACTED]/nightly-backup/fail'],
    ['/projects/7/metrics/vgr_0123456789abcdef0123456789ab', '/projects/7/metrics/[REDACTED]'],
    ['/healthz', '/healthz'],
  ])('redacts the credential in %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
