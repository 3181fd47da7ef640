// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { DomainError } from '@vigil/errors';
import { parseEnvelope } from '../envelope/envelope.parser';

describe('parseEnvelope', () => {
  it('reads items with and without a length header', () => {
    const withLength = '{"monitor_slug":"a\\nb","status":"ok"}';
    const body = Buffer.from(
      `{"sent_at":"2026-01-01T00:00:00Z"}\n{"type":"check_in","length":${Buffer.byteLength(withLength)}}\n${withLength}\n{"type":"check_in"}\n{"monitor_slug":"c","status":"ok"}\n`,
    );
    const envelope = parseEnvelope(body);
    expect(envelope.header).toEqual({ sent_at: '2026-01-01T00:00:00Z' });
    expect(envelope.items.map((item) => [item.type, item.payload.toString()])).toEqual([
      ['check_in', withLength],
      ['check_in', '{"monitor_slug":"c","status":"ok"}'],
    ]);
  });

  it('takes a length-delimited payload that contains newlines and no trailing newline', () => {
    const payload = '{"a":\n1}';
    const envelope = parseEnvelope(Buffer.from(`{}\n{"type":"check_in","length":${payload.length}}\n${payload}`));
    expect(envelope.items[0]?.payload.toString()).toBe(payload);
  });

  it.each([
    ['not json', 'envelope header is not valid JSON', 'envelope_header'],
    ['[]', 'envelope header must be a JSON object', 'envelope_header'],
    ['{}\nnot json\n{}', 'header of item 1 is not valid JSON', 'item_header'],
    ['{}\n{"length":2}\n{}', 'item 1 has no type', 'type'],
    ['{}\n{"type":"check_in","length":99}\n{}', 'item 1: length 99 runs past the end of the envelope', 'length'],
    ['{}\n{"type":"check_in","length":-1}\n{}', 'item 1: length must be a non-negative integer', 'length'],
  ])('rejects %j: %s, naming %s', (body, message, field) => {
    expect(() => parseEnvelope(Buffer.from(body))).toThrow(expect.objectContaining({ message, code: 'invalid_envelope', field }));
    expect(() => parseEnvelope(Buffer.from(body))).toThrow(DomainError);
  });
});
