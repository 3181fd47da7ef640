import { createHmac } from 'node:crypto';
import { buildWebhookRequest, computeSignature, signWebhook, verifyWebhookSignature } from '../index';
import { alertFixture, TRANSITION_ID } from './alert-fixture';

const SECRET = 'vigil_whsec_test-secret-0123456789';
const NOW = Date.UTC(2026, 10, 4, 3, 5, 0, 250);
const T = Math.floor(NOW / 1000);

describe('webhook signature', () => {
  const body = '{"version":1,"event_id":"e1"}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, as any receiver can compute it', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${body}`).digest('hex');
    expect(signWebhook(SECRET, body, NOW)).toBe(`t=${T},v1=${expected}`);
    expect(computeSignature(SECRET, T, Buffer.from(body))).toBe(expected);
  });

  it('verifies a genuine signature, from a string or the raw bytes', () => {
    const header = signWebhook(SECRET, body, NOW);
    expect(verifyWebhookSignature(SECRET, header, body, 300, NOW)).toEqual({ valid: true, timestamp: T });
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(body), 300, NOW + 299_000)).toEqual({ valid: true, timestamp: T });
  });

  it('rejects a tampered body, a wrong secret and a tampered timestamp', () => {
    const header = signWebhook(SECRET, body, NOW);
    expect(verifyWebhookSignature(SECRET, header, body.replace('e1', 'e2'), 300, NOW)).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(`${SECRET}x`, header, body, 300, NOW)).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(SECRET, header.replace(`t=${T}`, `t=${T + 1}`), body, 300, NOW)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('rejects a stale or far-future timestamp even with a correct HMAC', () => {
    const header = signWebhook(SECRET, body, NOW);
    expect(verifyWebhookSignature(SECRET, header, body, 300, NOW + 301_000)).toEqual({ valid: false, reason: 'stale' });
    expect(verifyWebhookSignature(SECRET, header, body, 300, NOW - 301_000)).toEqual({ valid: false, reason: 'stale' });
  });

  it('rejects malformed headers', () => {
    const v1 = computeSignature(SECRET, T, body);
    for (const header of [undefined, '', `v1=${v1}`, `t=${T}`, `t=abc,v1=${v1}`, `t=${T},v1=${v1.slice(2)}`, `t=${T},v0=${v1}`, 'garbage']) {
      expect(verifyWebhookSignature(SECRET, header, body, 300, NOW)).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('accepts any of several v1 signatures (secret rotation), in any order, with spaces', () => {
    const good = computeSignature(SECRET, T, body);
    const other = computeSignature('old-secret-0123456789', T, body);
    expect(verifyWebhookSignature(SECRET, `t=${T}, v1=${other}, v1=${good}`, body, 300, NOW)).toEqual({ valid: true, timestamp: T });
  });

  it('signs the exact bytes it sends, with the delivery headers', () => {
    const { body: sent, headers } = buildWebhookRequest(alertFixture(), SECRET, NOW, 2);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'vigil-event': 'issue.opened',
      'vigil-delivery': TRANSITION_ID,
      'vigil-attempt': '2',
      'vigil-signature': signWebhook(SECRET, sent, NOW),
    });
    expect(verifyWebhookSignature(SECRET, headers['vigil-signature'], sent, 300, NOW).valid).toBe(true);
    expect(JSON.parse(sent)).toMatchObject({ version: 1, event_id: TRANSITION_ID });
  });
});
