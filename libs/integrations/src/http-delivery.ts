import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AddressClass, AddressPolicy } from './address-policy';
import { failure, RESPONSE_EXCERPT_MAX, type AttemptOutcome, type AttemptResult } from './attempt';

/**
 * One HTTP POST to a user-configured URL, guarded and bounded:
 * - the host is resolved once and every address is checked by the AddressPolicy; the request connects
 *   only to a vetted address (the socket's lookup is pinned to it), so DNS cannot answer differently
 *   between the check and the connection (DNS rebinding);
 * - redirects are not followed (a 3xx is a permanent failure): a redirect could point anywhere;
 * - the whole attempt (DNS, connect, TLS, request, answer) has one timeout;
 * - the outcome is classified (see AttemptOutcome) and the answer's first bytes kept for diagnosis.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface HttpDeliveryOptions {
  /** The budget of one attempt, in milliseconds (`VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS`). */
  timeoutMs: number;
  policy: AddressPolicy;
  /** `dns.lookup` with all addresses by default. */
  resolve?: Resolver;
  /** Sent as User-Agent. */
  userAgent?: string;
}

export interface HttpPost {
  url: string;
  headers: Readonly<Record<string, string>>;
  /** Sent as is (a signature may cover these exact bytes). */
  body: string;
}

export const DEFAULT_USER_AGENT = 'Vigil-Notifier/1';
/** Bytes of an answer read before the connection is dropped: the status is known, the rest is not needed. */
const MAX_ANSWER_BYTES = 16 * 1024;

export const systemResolver: Resolver = async (hostname) => {
  const addresses = await dnsLookup(hostname, { all: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * 2xx is delivered. 408 (request timeout), 429 (rate limited) and every 5xx are retryable. Anything else
 * (1xx, 3xx, other 4xx) is permanent: the receiver rejected this request and will reject it again.
 */
export function classifyStatus(status: number): AttemptOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return 'retryable';
  return 'permanent';
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `nowMs` (never negative); else null. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export class AddressRefusedError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(
      `${hostname === address ? address : `${hostname} resolves to ${address}`}, a ${addressClass.replace('_', '-')} address; ` +
        'outbound requests to it are refused unless VIGIL_NOTIFIER_ALLOWED_CIDRS allows it',
    );
    this.name = 'AddressRefusedError';
  }
}

/**
 * The address to connect to: the first of the host's addresses (in resolver order) that the policy allows.
 * Throws AddressRefusedError, naming the first refused address, when none is allowed.
 */
export async function vetHost(hostname: string, policy: AddressPolicy, resolve: Resolver): Promise<ResolvedAddress> {
  const literal = isIP(hostname);
  const addresses: ResolvedAddress[] = literal ? [{ address: hostname, family: literal === 6 ? 6 : 4 }] : await resolve(hostname);
  let refused: { address: string; class: AddressClass } | null = null;
  for (const candidate of addresses) {
    const verdict = policy.check(candidate.address);
    if (verdict.allowed) return candidate;
    refused ??= { address: candidate.address, class: verdict.class };
  }
  if (!refused) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  throw new AddressRefusedError(hostname, refused.address, refused.class);
}

/** A socket lookup that answers only the vetted address, whatever name it is asked about. */
function pinnedLookup(target: ResolvedAddress) {
  return (
    _hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  excerpt: string;
}

function send(url: URL, target: ResolvedAddress, post: HttpPost, options: HttpDeliveryOptions, signal: AbortSignal): Promise<Answer> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const request = client.request(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers: {
          ...post.headers,
          'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
          'content-length': String(Buffer.byteLength(post.body)),
        },
        // A fresh connection per attempt: a pooled socket could have been opened to another address.
        agent: false,
        lookup: pinnedLookup(target),
        signal,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: headerValue(response.headers['retry-after']),
            // NUL removed: the excerpt is stored in Postgres text, which refuses it.
            excerpt: Buffer.concat(chunks).toString('utf8').replaceAll('\u0000', '').slice(0, RESPONSE_EXCERPT_MAX),
          });
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
          size += chunk.length;
          if (size >= MAX_ANSWER_BYTES) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(post.body);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts (a DNS lookup cannot be cancelled). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** Every failure to get an answer is retryable: the receiver, its network or its DNS may recover. */
function classifyError(error: unknown, durationMs: number): AttemptResult {
  const raw = (error as { code?: unknown } | null | undefined)?.code;
  const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  const message = error instanceof Error ? error.message : String(error);
  const text = code && !message.includes(code) ? `${code}: ${message}` : message;
  if (code === 'ECONNREFUSED') return failure('retryable', 'connection_refused', text, durationMs);
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return failure('retryable', 'connection_reset', text, durationMs);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'ENODATA') return failure('retryable', 'dns', text, durationMs);
  if (TLS_CODE.test(code)) return failure('retryable', 'tls', text, durationMs);
  return failure('retryable', 'network', text, durationMs);
}

/**
 * POSTs one request and classifies the result. Never throws: every failure is an AttemptResult.
 * A URL that is not http(s) is `invalid_target` and a refused address `address_refused`, both permanent
 * (retrying cannot change them; the config must).
 */
export async function postJson(post: HttpPost, options: HttpDeliveryOptions): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(post.url);
  } catch {
    return failure('permanent', 'invalid_target', 'the URL is not valid', 0);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return failure('permanent', 'invalid_target', `${url.protocol} URLs are not supported`, 0);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const target = await abortable(vetHost(hostname, options.policy, options.resolve ?? systemResolver), controller.signal);
    const answer = await send(url, target, post, options, controller.signal);
    const outcome = classifyStatus(answer.status);
    if (outcome === 'delivered') {
      return { outcome, statusCode: answer.status, errorCode: null, error: null, durationMs: elapsed(), retryAfterMs: null, response: answer.excerpt || null };
    }
    const reason = answer.status >= 300 && answer.status < 400 ? `HTTP ${answer.status} (redirects are not followed)` : `HTTP ${answer.status}`;
    return failure(outcome, 'http_status', reason, elapsed(), {
      statusCode: answer.status,
      retryAfterMs: outcome === 'retryable' ? parseRetryAfter(answer.retryAfter, Date.now()) : null,
      response: answer.excerpt || null,
    });
  } catch (error) {
    if (error instanceof AddressRefusedError) return failure('permanent', 'address_refused', error.message, elapsed());
    if (controller.signal.aborted) return failure('retryable', 'timeout', `no complete answer within ${options.timeoutMs} ms`, elapsed());
    return classifyError(error, elapsed());
  } finally {
    clearTimeout(timer);
  }
}
