import type { FastifyReply } from 'fastify';

const codes = new WeakMap<object, string>();

/** What a status means when the handler named no code. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Tells the refusal counts which error code a 4xx answer carried (`unknown_key`, `rate_limited`, ...). */
export function markRefusal(reply: FastifyReply, code: string): void {
  codes.set(reply.raw, code);
}

export function refusalCode(reply: FastifyReply, status: number): string {
  return codes.get(reply.raw) ?? STATUS_CODES[status] ?? `http_${status}`;
}
