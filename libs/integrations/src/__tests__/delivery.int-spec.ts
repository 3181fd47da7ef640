import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import {
  AddressPolicy,
  attemptUntilDone,
  buildEmail,
  buildPagerDutyEvent,
  buildSlackMessage,
  deliver,
  SmtpMailer,
  verifyWebhookSignature,
  type DeliveryDeps,
  type HttpDeliveryOptions,
  type Integration,
  type PagerDutyIntegrationConfig,
  type SmtpSettings,
} from '../index';
import { alertFixture, ISSUE_ID, MONITOR_URL, TRANSITION_ID } from './alert-fixture';

/**
 * The delivery layer against real receivers on loopback: an HTTP server that checks what Slack, PagerDuty and
 * webhook receivers would get (and misbehaves on some paths), and a real SMTP server (smtp-server).
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP receiver. The path picks its behaviour; every request it reads is recorded. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hits = new Map<string, number>();
  port = 0;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const hits = (this.hits.get(path) ?? 0) + 1;
        this.hits.set(path, hits);
        const route = path.split('/')[1] ?? '';
        switch (route) {
          case 'ok':
            return response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          case 'pagerduty':
            return response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed"}');
          case 'fail':
            return response.writeHead(500).end('internal error');
          case 'nul':
            return response.writeHead(500).end('bad\u0000answer');
          case 'throttle':
            return response.writeHead(429, { 'retry-after': '7' }).end('slow down');
          case 'gone':
            return response.writeHead(404).end('no_service');
          case 'redirect':
            return response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          case 'hang':
            return; // never answers
          case 'reset':
            return request.socket.destroy();
          case 'truncated':
            response.writeHead(200, { 'content-length': '100' });
            response.write('partial');
            return setTimeout(() => request.socket.destroy(), 20);
          case 'flaky':
            return hits <= 2 ? response.writeHead(503).end('try later') : response.writeHead(200).end('ok');
          default:
            return response.writeHead(400).end('unknown route');
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  last(): Received {
    const request = this.requests[this.requests.length - 1];
    if (!request) throw new Error('the receiver got no request');
    return request;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const LOOPBACK = AddressPolicy.fromConfigValue('127.0.0.0/8');
const SECRET = 'vigil_whsec_int-test-secret-123456';
const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';

function deps(receiver: Receiver, http: Partial<HttpDeliveryOptions> = {}): DeliveryDeps {
  return {
    http: { timeoutMs: 2000, policy: LOOPBACK, ...http },
    mailer: null,
    pagerDutyEventsUrl: receiver.url('/pagerduty/v2/enqueue'),
    now: Date.now,
  };
}

/** For email: no HTTP receiver is involved. */
function mailDeps(mailer: SmtpMailer | null): DeliveryDeps {
  return {
    http: { timeoutMs: 2000, policy: AddressPolicy.publicOnly() },
    mailer,
    pagerDutyEventsUrl: 'https://events.pagerduty.invalid/v2/enqueue',
    now: Date.now,
  };
}

function slack(url: string): Integration {
  return { id: 'int-slack', config: { type: 'slack', webhook_url: url } };
}
function webhook(url: string): Integration {
  return { id: 'int-webhook', config: { type: 'webhook', url, secret: SECRET } };
}
const PAGERDUTY: PagerDutyIntegrationConfig = { type: 'pagerduty', routing_key: ROUTING_KEY, severity: 'error' };

describe('HTTP delivery to loopback receivers', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('Slack: posts the Block Kit message as JSON and is delivered on 200', async () => {
    const alert = alertFixture();
    const attempt = await deliver(alert, slack(receiver.url('/ok/services/T000/B000/slacktoken')), deps(receiver));
    expect(attempt).toMatchObject({
      outcome: 'delivered',
      statusCode: 200,
      errorCode: null,
      error: null,
      channel: 'slack',
      integrationId: 'int-slack',
      target: `slack:http://127.0.0.1:${receiver.port}`,
      idempotencyKey: TRANSITION_ID,
      attempt: 1,
      response: 'ok',
    });
    expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    const request = receiver.last();
    expect(request.path).toBe('/ok/services/T000/B000/slacktoken');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Vigil-Notifier/1');
    const body = JSON.parse(request.body) as ReturnType<typeof buildSlackMessage>;
    expect(body).toEqual(buildSlackMessage(alert));
    expect(body.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(request.body).toContain('Wed 4 Nov 2026, 03:00 UTC');
    expect(request.body).toContain(MONITOR_URL);
  });

  it('PagerDuty: triggers on open and resolves the same alert (dedup_key) on resolve', async () => {
    const integration: Integration = { id: 'int-pd', config: PAGERDUTY };
    const opened = await deliver(alertFixture(), integration, deps(receiver));
    expect(opened).toMatchObject({ outcome: 'delivered', statusCode: 202, target: 'pagerduty:…BCDE' });
    const trigger = JSON.parse(receiver.last().body) as Record<string, unknown>;
    expect(receiver.last().path).toBe('/pagerduty/v2/enqueue');
    expect(trigger).toEqual(buildPagerDutyEvent(alertFixture(), PAGERDUTY));
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `vigil-issue-${ISSUE_ID}`,
      payload: { severity: 'error', class: 'missed' },
    });

    await deliver(alertFixture({ kind: 'resolved', status: 'ok', idempotencyKey: 'c0ffee00-0000-4000-8000-000000000001' }), integration, deps(receiver));
    expect(JSON.parse(receiver.last().body)).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: `vigil-issue-${ISSUE_ID}` });
  });

  it('webhook: the receiver verifies the signature over the raw body, and reads the documented body', async () => {
    const sentAt = Date.now();
    const attempt = await deliver(alertFixture(), webhook(receiver.url('/ok/hooks/vigil')), deps(receiver), 3);
    expect(attempt).toMatchObject({ outcome: 'delivered', attempt: 3, target: `webhook:http://127.0.0.1:${receiver.port}` });
    const { headers, body } = receiver.last();
    expect(headers['vigil-event']).toBe('issue.opened');
    expect(headers['vigil-delivery']).toBe(TRANSITION_ID);
    expect(headers['vigil-attempt']).toBe('3');
    const signature = headers['vigil-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const check = verifyWebhookSignature(SECRET, signature, body);
    expect(check.valid).toBe(true);
    expect(check.valid && Math.abs(check.timestamp - Math.floor(sentAt / 1000))).toBeLessThanOrEqual(2);
    expect(verifyWebhookSignature(SECRET, signature, body.replace('"failure_count":3', '"failure_count":4'))).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('another-secret-0123456789', signature, body)).toEqual({ valid: false, reason: 'mismatch' });
    expect(JSON.parse(body)).toMatchObject({
      version: 1,
      event_id: TRANSITION_ID,
      type: 'issue.opened',
      issue: { id: ISSUE_ID, failure_count: 3 },
      monitor: { slug: 'nightly-backup', url: MONITOR_URL },
      environment: 'production',
      checkin: { status: 'missed', expected_at: '2026-11-04T03:00:00Z' },
    });
  });

  it('a receiver that answers 500 is retryable', async () => {
    const attempt = await deliver(alertFixture(), webhook(receiver.url('/fail')), deps(receiver));
    expect(attempt).toMatchObject({ outcome: 'retryable', statusCode: 500, errorCode: 'http_status', error: 'HTTP 500', response: 'internal error' });
  });

  it("keeps a receiver's answer without NUL characters (Postgres text, where attempts are stored, refuses them)", async () => {
    const attempt = await deliver(alertFixture(), webhook(receiver.url('/nul')), deps(receiver));
    expect(attempt).toMatchObject({ outcome: 'retryable', statusCode: 500, response: 'badanswer' });
  });

  it('a receiver that hangs past the attempt timeout is retryable, and the attempt ends at the timeout', async () => {
    const attempt = await deliver(alertFixture(), slack(receiver.url('/hang')), deps(receiver, { timeoutMs: 300 }));
    expect(attempt).toMatchObject({ outcome: 'retryable', statusCode: null, errorCode: 'timeout', error: 'no complete answer within 300 ms' });
    expect(attempt.durationMs).toBeGreaterThanOrEqual(290);
    expect(attempt.durationMs).toBeLessThan(1500);
    expect(receiver.last().path).toBe('/hang');
  });

  it('a receiver that closes the connection is retryable, also after a 200 status line with a cut body', async () => {
    const reset = await deliver(alertFixture(), slack(receiver.url('/reset/T000/B000/s3cr3t-slack-token')), deps(receiver));
    expect(reset).toMatchObject({ outcome: 'retryable', statusCode: null, errorCode: 'connection_reset' });
    expect(JSON.stringify(reset)).not.toContain('s3cr3t-slack-token');
    const truncated = await deliver(alertFixture(), slack(receiver.url('/truncated')), deps(receiver));
    expect(truncated).toMatchObject({ outcome: 'retryable', errorCode: 'connection_reset' });
  });

  it('nothing listening is retryable (connection refused)', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = await deliver(alertFixture(), slack(`http://127.0.0.1:${port}/x`), deps(receiver));
    expect(attempt).toMatchObject({ outcome: 'retryable', errorCode: 'connection_refused' });
  });

  it('429 is retryable with its Retry-After; 404 and a redirect are permanent (redirects are not followed)', async () => {
    expect(await deliver(alertFixture(), slack(receiver.url('/throttle')), deps(receiver))).toMatchObject({
      outcome: 'retryable',
      statusCode: 429,
      retryAfterMs: 7000,
    });
    expect(await deliver(alertFixture(), slack(receiver.url('/gone')), deps(receiver))).toMatchObject({
      outcome: 'permanent',
      statusCode: 404,
      response: 'no_service',
      retryAfterMs: null,
    });
    const before = receiver.requests.length;
    expect(await deliver(alertFixture(), slack(receiver.url('/redirect')), deps(receiver))).toMatchObject({
      outcome: 'permanent',
      statusCode: 302,
      error: 'HTTP 302 (redirects are not followed)',
    });
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('loopback is refused without the allow-list (nothing is sent), and allowed with 127.0.0.0/8 in it', async () => {
    const before = receiver.requests.length;
    const refused = await deliver(alertFixture(), slack(receiver.url('/ok')), deps(receiver, { policy: AddressPolicy.publicOnly() }));
    expect(refused).toMatchObject({ outcome: 'permanent', errorCode: 'address_refused', statusCode: null });
    expect(refused.error).toMatch(/^127\.0\.0\.1, a loopback address; outbound requests to it are refused unless VIGIL_NOTIFIER_ALLOWED_CIDRS allows it$/);
    const byName = await deliver(alertFixture(), slack(receiver.url('/ok', 'localhost')), deps(receiver, { policy: AddressPolicy.publicOnly() }));
    expect(byName).toMatchObject({ outcome: 'permanent', errorCode: 'address_refused' });
    expect(byName.error).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    const mapped = await deliver(alertFixture(), slack(receiver.url('/ok', '[::ffff:127.0.0.1]')), deps(receiver, { policy: AddressPolicy.publicOnly() }));
    expect(mapped).toMatchObject({ outcome: 'permanent', errorCode: 'address_refused' });
    const v6 = await deliver(alertFixture(), slack(receiver.url('/ok', '[::1]')), deps(receiver, { policy: AddressPolicy.fromConfigValue('127.0.0.0/8') }));
    expect(v6).toMatchObject({ outcome: 'permanent', errorCode: 'address_refused' });
    expect(receiver.requests.length).toBe(before);

    const allowed = await deliver(alertFixture(), slack(receiver.url('/ok')), deps(receiver, { policy: AddressPolicy.fromConfigValue('127.0.0.0/8') }));
    expect(allowed).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('connects only to a vetted address: a name resolving to a refused and an allowed address reaches the allowed one', async () => {
    const resolved: string[] = [];
    const resolve = async (hostname: string) => {
      resolved.push(hostname);
      return [
        { address: '10.0.0.7', family: 4 as const },
        { address: '127.0.0.1', family: 4 as const },
      ];
    };
    // `hooks.vigil.test` exists in no DNS: the request can only arrive if the socket used the vetted address.
    const attempt = await deliver(alertFixture(), slack(receiver.url('/ok/pinned', 'hooks.vigil.test')), deps(receiver, { resolve }));
    expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    expect(resolved).toEqual(['hooks.vigil.test']);
    expect(receiver.last()).toMatchObject({ path: '/ok/pinned', headers: { host: `hooks.vigil.test:${receiver.port}` } });

    const metadata = await deliver(
      alertFixture(),
      slack(receiver.url('/ok', 'metadata.vigil.test')),
      deps(receiver, { resolve: async () => [{ address: '169.254.169.254', family: 4 }] }),
    );
    expect(metadata).toMatchObject({
      outcome: 'permanent',
      errorCode: 'address_refused',
      error: expect.stringMatching(/^metadata\.vigil\.test resolves to 169\.254\.169\.254, a link-local address/) as string,
    });
  });

  it('attemptUntilDone retries a flaky receiver with backoff; every attempt has the same delivery id and a valid signature', async () => {
    const waits: number[] = [];
    const attempts = await attemptUntilDone(
      alertFixture({ kind: 'test' }),
      webhook(receiver.url('/flaky/one')),
      deps(receiver),
      { baseMs: 100, factor: 2, capMs: 1000, maxAttempts: 5 },
      { random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retryable', 503],
      [2, 'retryable', 503],
      [3, 'delivered', 200],
    ]);
    expect(waits).toEqual([50, 100]);
    const requests = receiver.requests.filter((r) => r.path === '/flaky/one');
    expect(requests.map((r) => r.headers['vigil-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(requests.map((r) => r.headers['vigil-delivery']))).toEqual(new Set([TRANSITION_ID]));
    expect(new Set(requests.map((r) => r.headers['vigil-event']))).toEqual(new Set(['test']));
    for (const request of requests) expect(verifyWebhookSignature(SECRET, request.headers['vigil-signature'] as string, request.body).valid).toBe(true);

    const exhausted = await attemptUntilDone(alertFixture(), webhook(receiver.url('/fail')), deps(receiver), {
      baseMs: 1,
      factor: 2,
      capMs: 5,
      maxAttempts: 3,
    });
    expect(exhausted.map((a) => a.outcome)).toEqual(['retryable', 'retryable', 'retryable']);
    const permanent = await attemptUntilDone(alertFixture(), webhook(receiver.url('/gone')), deps(receiver));
    expect(permanent.map((a) => a.outcome)).toEqual(['permanent']);
    expect(JSON.stringify([...exhausted, ...permanent])).not.toContain(SECRET);
  });
});

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** Header value with folded lines joined. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The message text with quoted-printable undone (soft breaks and =XX escapes). */
function decoded(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

describe('email over SMTP to a real SMTP server', () => {
  const mails: ReceivedMail[] = [];
  let server: SMTPServer;
  let port = 0;
  const settings = (overrides: Partial<SmtpSettings> = {}): SmtpSettings => ({
    host: '127.0.0.1',
    port,
    tls: 'none',
    user: 'vigil',
    password: 'smtp-pa55word',
    from: 'Vigil <alerts@vigil.example.com>',
    timeoutMs: 3000,
    ...overrides,
  });
  const email = (to: string[]): Integration => ({ id: 'a1b2c3d4-0000-4000-8000-00000000e3a1', config: { type: 'email', to } });

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: false,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'vigil' && auth.password === 'smtp-pa55word') return callback(null, { user: 'vigil' });
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        if (address.address.startsWith('later@')) return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        return callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the alert email: envelope, subject, text and HTML bodies, delivery headers', async () => {
    const mailer = new SmtpMailer(settings());
    try {
      const alert = alertFixture();
      const attempt = await deliver(alert, email(['ops@example.com', 'dev@example.com']), mailDeps(mailer));
      expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 250, errorCode: null, error: null, channel: 'email', target: 'email:2 recipients' });
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail?.from).toBe('alerts@vigil.example.com');
      expect(mail?.to).toEqual(['ops@example.com', 'dev@example.com']);
      const raw = mail?.raw ?? '';
      const expected = buildEmail(alert);
      expect(header(raw, 'Subject')).toBe(expected.subject);
      expect(header(raw, 'From')).toBe('Vigil <alerts@vigil.example.com>');
      expect(header(raw, 'To')).toBe('ops@example.com, dev@example.com');
      expect(header(raw, 'Message-ID')).toBe(`<${TRANSITION_ID}.a1b2c3d4-0000-4000-8000-00000000e3a1@vigil.example.com>`);
      expect(header(raw, 'X-Vigil-Delivery')).toBe(TRANSITION_ID);
      expect(header(raw, 'X-Vigil-Issue')).toBe(ISSUE_ID);
      expect(header(raw, 'Auto-Submitted')).toBe('auto-generated');
      expect(header(raw, 'Content-Type')).toMatch(/^multipart\/alternative/);
      const body = decoded(raw);
      expect(body).toContain('Nightly backup missed its run.');
      expect(body).toContain('Expected run: Wed 4 Nov 2026, 03:00 UTC (2026-11-04T03:00:00Z)');
      expect(body).toContain(`View the monitor: ${MONITOR_URL}`);
      expect(body).toContain('<th align="left">Environment</th><td>production</td>');
      expect(body).toContain('production&amp;period=24h">View the monitor in Vigil</a>');
      expect(raw).not.toContain('smtp-pa55word');
    } finally {
      mailer.close();
    }
  });

  it('a recipient refused with 550 is permanent, with 451 retryable; a partly refused send is delivered with a note', async () => {
    const mailer = new SmtpMailer(settings());
    try {
      const d = mailDeps(mailer);
      expect(await deliver(alertFixture(), email(['nobody@example.com']), d)).toMatchObject({
        outcome: 'permanent',
        errorCode: 'smtp_rejected',
        statusCode: 550,
      });
      expect(await deliver(alertFixture(), email(['later@example.com']), d)).toMatchObject({
        outcome: 'retryable',
        errorCode: 'smtp_rejected',
        statusCode: 451,
      });
      const partly = await deliver(alertFixture(), email(['ops@example.com', 'nobody@example.com']), d);
      expect(partly).toMatchObject({ outcome: 'delivered', error: 'the server refused 1 of 2 recipients' });
      expect(mails[mails.length - 1]?.to).toEqual(['ops@example.com']);
    } finally {
      mailer.close();
    }
  });

  it('a wrong password is permanent and never echoed; no SMTP configured is permanent', async () => {
    const mailer = new SmtpMailer(settings({ password: 'wr0ng-pa55' }));
    try {
      const attempt = await deliver(alertFixture(), email(['ops@example.com']), mailDeps(mailer));
      expect(attempt).toMatchObject({ outcome: 'permanent', errorCode: 'smtp_rejected', statusCode: 535 });
      expect(JSON.stringify(attempt)).not.toContain('wr0ng-pa55');
    } finally {
      mailer.close();
    }
    expect(await deliver(alertFixture(), email(['ops@example.com']), mailDeps(null))).toMatchObject({ outcome: 'permanent', errorCode: 'smtp_not_configured' });
  });

  it('an SMTP server that never greets times out (retryable); one not listening is refused (retryable)', async () => {
    const silent = createTcpServer(() => undefined);
    const sockets = new Set<Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const mailer = new SmtpMailer(settings({ port: silentPort, timeoutMs: 300 }));
    try {
      const attempt = await deliver(alertFixture(), email(['ops@example.com']), mailDeps(mailer));
      expect(attempt).toMatchObject({ outcome: 'retryable', errorCode: 'timeout' });
      expect(attempt.durationMs).toBeLessThan(2000);
    } finally {
      mailer.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    const refused = new SmtpMailer(settings({ port: silentPort }));
    try {
      expect(await deliver(alertFixture(), email(['ops@example.com']), mailDeps(refused))).toMatchObject({
        outcome: 'retryable',
        errorCode: 'connection_refused',
      });
    } finally {
      refused.close();
    }
  });
});
