import { DomainError } from '@vigil/errors';

export interface EnvelopeItem {
  type: string;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

function invalid(message: string, field?: string): DomainError {
  return new DomainError('invalid', 'invalid_envelope', message, field);
}

function parseJsonLine(line: Buffer, what: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    throw invalid(`${what} is not valid JSON`, field);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be a JSON object`, field);
  return value as Record<string, unknown>;
}

/**
 * Sentry's envelope format: a JSON header line, then items of a JSON item header and a payload. A payload
 * is `length` bytes when the item header says so (sentry-cli), otherwise it runs to the next newline
 * (@sentry/node).
 */
export function parseEnvelope(body: Buffer): Envelope {
  let position = body.indexOf(0x0a);
  const headerEnd = position === -1 ? body.length : position;
  const header = parseJsonLine(body.subarray(0, headerEnd), 'envelope header', 'envelope_header');
  const items: EnvelopeItem[] = [];
  position = headerEnd + 1;
  while (position < body.length) {
    let lineEnd = body.indexOf(0x0a, position);
    if (lineEnd === -1) lineEnd = body.length;
    const line = body.subarray(position, lineEnd);
    position = lineEnd + 1;
    if (line.toString('utf8').trim() === '') continue;
    const itemHeader = parseJsonLine(line, `header of item ${items.length + 1}`, 'item_header');
    const type = itemHeader['type'];
    if (typeof type !== 'string' || type === '') throw invalid(`item ${items.length + 1} has no type`, 'type');
    const length = itemHeader['length'];
    let payload: Buffer;
    if (length !== undefined) {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0)
        throw invalid(`item ${items.length + 1}: length must be a non-negative integer`, 'length');
      if (position + length > body.length) throw invalid(`item ${items.length + 1}: length ${length} runs past the end of the envelope`, 'length');
      payload = body.subarray(position, position + length);
      position += length;
      if (body[position] === 0x0a) position += 1;
    } else {
      let payloadEnd = body.indexOf(0x0a, position);
      if (payloadEnd === -1) payloadEnd = body.length;
      payload = body.subarray(position, payloadEnd);
      position = payloadEnd + 1;
    }
    items.push({ type, payload });
  }
  return { header, items };
}
