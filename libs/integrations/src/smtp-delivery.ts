import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { performance } from 'node:perf_hooks';
import type { VigilConfig } from '@vigil/config';
import { failure, type AttemptResult } from './attempt';
import type { EmailContent } from './email';

/**
 * Email over SMTP through nodemailer, to the operator's relay (`VIGIL_SMTP_*`). The relay is configured by
 * the operator, not by users, so it is not subject to the address policy; recipients are users' and were
 * validated with the integration.
 */

export const SMTP_TLS_MODES = ['none', 'starttls', 'implicit'] as const;
/**
 * - `none`: plain SMTP, never upgraded (a relay on the same host);
 * - `starttls`: STARTTLS is required (usually port 587);
 * - `implicit`: TLS from the first byte (usually port 465).
 */
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

export interface SmtpSettings {
  host: string;
  port: number;
  tls: SmtpTlsMode;
  /** Empty: no authentication. */
  user: string;
  password: string;
  /** The From header, e.g. `Vigil <alerts@example.com>`. */
  from: string;
  /** The budget of one send, in milliseconds (each SMTP phase, and the whole send). */
  timeoutMs: number;
}

/** The SMTP settings in config, or null when `VIGIL_SMTP_HOST` is empty (email is not set up). */
export function smtpSettingsFromConfig(config: VigilConfig): SmtpSettings | null {
  if (config.VIGIL_SMTP_HOST === '') return null;
  return {
    host: config.VIGIL_SMTP_HOST,
    port: config.VIGIL_SMTP_PORT,
    tls: config.VIGIL_SMTP_TLS as SmtpTlsMode,
    user: config.VIGIL_SMTP_USER,
    password: config.VIGIL_SMTP_PASSWORD,
    from: config.VIGIL_SMTP_FROM,
    timeoutMs: config.VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS,
  };
}

export interface OutgoingEmail {
  to: readonly string[];
  content: EmailContent;
  /** Extra headers (`X-Vigil-*`); values must be single-line. */
  headers?: Readonly<Record<string, string>>;
  /** `<id@domain>`: the same on every retry, so mail clients can drop a duplicate. */
  messageId?: string;
}

/** The domain of the From address, for Message-IDs (`vigil.invalid` when it has none). */
export function fromDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'vigil.invalid';
}

/**
 * Sends one email per call over its own connection (no pool: a notifier sends little, and a broken pooled
 * connection would fail the next alert). Classification: an SMTP 4xx reply is retryable, a 5xx reply
 * permanent; connection, DNS, TLS and timeout failures are retryable. A send where the server accepted some
 * recipients and refused others is delivered, with the refusal in `error`.
 */
export class SmtpMailer {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.tls === 'implicit',
      requireTLS: settings.tls === 'starttls',
      ignoreTLS: settings.tls === 'none',
      auth: settings.user === '' ? undefined : { user: settings.user, pass: settings.password },
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      // Content is ours, but never let a message make nodemailer read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
    });
  }

  get from(): string {
    return this.settings.from;
  }

  async send(email: OutgoingEmail): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: [...email.to],
        subject: email.content.subject,
        text: email.content.text,
        html: email.content.html,
        headers: { ...email.headers },
        ...(email.messageId ? { messageId: email.messageId } : {}),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      const rejected = info.rejected.length;
      return {
        outcome: 'delivered',
        statusCode: replyCode(info.response) ?? 250,
        errorCode: null,
        error: rejected === 0 ? null : `the server refused ${rejected} of ${email.to.length} recipients`,
        durationMs: elapsed(),
        retryAfterMs: null,
        response: info.response.slice(0, 512) || null,
      };
    } catch (error) {
      return classifySmtpError(error, elapsed(), this.settings.timeoutMs);
    }
  }

  /** Closes the transport (idle connections); sends in flight finish or fail on their own. */
  close(): void {
    this.transport.close();
  }
}

function replyCode(response: string | undefined): number | null {
  const match = /^(\d{3})/.exec(response ?? '');
  return match?.[1] ? Number(match[1]) : null;
}

function classifySmtpError(error: unknown, durationMs: number, timeoutMs: number): AttemptResult {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const reply = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = typeof e.response === 'string' ? e.response.slice(0, 512) : null;
  if (reply !== null && reply >= 400 && reply < 600) {
    return failure(reply < 500 ? 'retryable' : 'permanent', 'smtp_rejected', `SMTP ${reply}: ${message}`, durationMs, { statusCode: reply, response });
  }
  if (code === 'EABORT' || code === 'ETIMEDOUT' || e.name === 'AbortError') {
    return failure('retryable', 'timeout', `no complete SMTP exchange within ${timeoutMs} ms`, durationMs);
  }
  if (code === 'EDNS') return failure('retryable', 'dns', message, durationMs);
  if (code === 'ETLS') return failure('retryable', 'tls', message, durationMs);
  if (/ECONNREFUSED/.test(message)) return failure('retryable', 'connection_refused', message, durationMs);
  if (/ECONNRESET|EPIPE|closed unexpectedly/i.test(message)) return failure('retryable', 'connection_reset', message, durationMs);
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'ECONFIG') return failure('permanent', 'smtp_rejected', message, durationMs);
  return failure('retryable', 'network', code ? `${code}: ${message}` : message, durationMs);
}
