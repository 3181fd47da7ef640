import type { VigilConfig } from '@vigil/config';
import { AddressPolicy } from './address-policy';
import type { Alert } from './alert';
import { failure, type AttemptResult } from './attempt';
import { buildEmail } from './email';
import { postJson, type HttpDeliveryOptions } from './http-delivery';
import { describeTarget, type IntegrationConfig, type IntegrationType } from './integration-config';
import { buildPagerDutyEvent } from './pagerduty';
import { assertRetryPolicy, nextStep, type Random, type RetryPolicy } from './retry-policy';
import { buildSlackMessage } from './slack';
import { fromDomain, SmtpMailer, smtpSettingsFromConfig } from './smtp-delivery';
import { buildWebhookRequest } from './webhook';

/**
 * One attempt to deliver one alert through one integration: choose the wire format, send it, classify the
 * result. The durable retry schedule (attempt records, next attempt times, the dead-letter topic) belongs
 * to the notifier service, which calls `deliver` once per attempt and `nextStep` after it.
 */

/** An integration as stored: its id and validated config (see `parseIntegrationConfig`). */
export interface Integration {
  id: string;
  config: IntegrationConfig;
}

export interface DeliveryDeps {
  http: HttpDeliveryOptions;
  /** Null when SMTP is not configured: email attempts fail permanently with `smtp_not_configured`. */
  mailer: SmtpMailer | null;
  pagerDutyEventsUrl: string;
  /** Wall clock in epoch milliseconds (webhook signature timestamps, `startedAt`). */
  now: () => number;
}

/** An AttemptResult with what identifies it: the record the notifier stores for every attempt. */
export interface DeliveryAttempt extends AttemptResult {
  integrationId: string;
  channel: IntegrationType;
  /** Where it went, safe to store and log (see `describeTarget`). */
  target: string;
  idempotencyKey: string;
  /** 1-based. */
  attempt: number;
  /** Epoch milliseconds. */
  startedAt: number;
}

/** Everything delivery needs from config. Throws AllowListError on a malformed `VIGIL_NOTIFIER_ALLOWED_CIDRS`. */
export function deliveryDepsFromConfig(config: VigilConfig): DeliveryDeps {
  const smtp = smtpSettingsFromConfig(config);
  return {
    http: { timeoutMs: config.VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS, policy: AddressPolicy.fromConfigValue(config.VIGIL_NOTIFIER_ALLOWED_CIDRS) },
    mailer: smtp ? new SmtpMailer(smtp) : null,
    pagerDutyEventsUrl: config.VIGIL_PAGERDUTY_EVENTS_URL,
    now: Date.now,
  };
}

/** The retry policy in config: base and cap from config, growth factor 4. */
export function retryPolicyFromConfig(config: VigilConfig): RetryPolicy {
  return assertRetryPolicy({
    baseMs: config.VIGIL_NOTIFIER_RETRY_BASE_MS,
    factor: 4,
    capMs: Math.max(config.VIGIL_NOTIFIER_RETRY_MAX_DELAY_MS, config.VIGIL_NOTIFIER_RETRY_BASE_MS),
    maxAttempts: config.VIGIL_NOTIFIER_MAX_ATTEMPTS,
  });
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

async function send(alert: Alert, integration: Integration, deps: DeliveryDeps, attempt: number): Promise<AttemptResult> {
  const config = integration.config;
  switch (config.type) {
    case 'slack':
      return postJson({ url: config.webhook_url, headers: { 'content-type': 'application/json' }, body: json(buildSlackMessage(alert)) }, deps.http);
    case 'pagerduty':
      return postJson(
        { url: deps.pagerDutyEventsUrl, headers: { 'content-type': 'application/json' }, body: json(buildPagerDutyEvent(alert, config)) },
        deps.http,
      );
    case 'webhook': {
      const { body, headers } = buildWebhookRequest(alert, config.secret, deps.now(), attempt);
      return postJson({ url: config.url, headers, body }, deps.http);
    }
    case 'email': {
      if (!deps.mailer) return failure('permanent', 'smtp_not_configured', 'email is not set up on this Vigil (VIGIL_SMTP_HOST is empty)', 0);
      const domain = fromDomain(deps.mailer.from);
      return deps.mailer.send({
        to: config.to,
        content: buildEmail(alert),
        messageId: `<${alert.idempotencyKey}.${integration.id}@${domain}>`,
        headers: {
          'Auto-Submitted': 'auto-generated',
          'X-Vigil-Event': alert.kind,
          'X-Vigil-Delivery': alert.idempotencyKey,
          'X-Vigil-Issue': alert.issueId,
        },
      });
    }
  }
}

/** One attempt (`attempt` is 1-based). Never throws for a delivery failure: the result says what happened. */
export async function deliver(alert: Alert, integration: Integration, deps: DeliveryDeps, attempt = 1): Promise<DeliveryAttempt> {
  const startedAt = deps.now();
  const result = await send(alert, integration, deps, attempt);
  return {
    ...result,
    integrationId: integration.id,
    channel: integration.config.type,
    target: describeTarget(integration.config),
    idempotencyKey: alert.idempotencyKey,
    attempt,
    startedAt,
  };
}

/** A short policy for the "send test notification" action: the user waits for the answer. */
export const TEST_NOTIFICATION_POLICY: Readonly<RetryPolicy> = { baseMs: 500, factor: 2, capMs: 2000, maxAttempts: 3 };

export interface AttemptUntilDoneOptions {
  random?: Random;
  /** Waits between attempts; a real timer by default. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Attempts in process until delivered, permanently failed, or out of attempts, following `nextStep`.
 * Only for short interactive sends (the test action): alerts are retried durably by the notifier service.
 * Returns every attempt, the last one deciding.
 */
export async function attemptUntilDone(
  alert: Alert,
  integration: Integration,
  deps: DeliveryDeps,
  policy: RetryPolicy = TEST_NOTIFICATION_POLICY,
  options: AttemptUntilDoneOptions = {},
): Promise<DeliveryAttempt[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts: DeliveryAttempt[] = [];
  for (let attempt = 1; ;) {
    const result = await deliver(alert, integration, deps, attempt);
    attempts.push(result);
    const step = nextStep(policy, attempt, result, options.random);
    if (step.action !== 'retry') return attempts;
    await sleep(step.delayMs);
    attempt = step.attempt;
  }
}
