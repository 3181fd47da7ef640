import type { CheckinMessageV1 } from '@vigil/contracts';
import { isUtf8 } from 'node:buffer';

/** A ping body in a message: its text when the bytes are UTF-8, else their base64, so the bytes come back as posted. */
export function bodyFields(body: Buffer | null): Pick<CheckinMessageV1, 'body' | 'body_encoding'> {
  if (body === null) return { body: null };
  return isUtf8(body) ? { body: body.toString('utf8') } : { body: body.toString('base64'), body_encoding: 'base64' };
}
