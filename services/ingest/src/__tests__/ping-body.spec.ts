import { bodyFields } from '../ping/ping-body';

describe('bodyFields', () => {
  it('keeps UTF-8 text as text, NUL and all, without body_encoding (what messages before the field meant)', () => {
    expect(bodyFields(Buffer.from('done: 42 files\n\u0000', 'utf8'))).toEqual({ body: 'done: 42 files\n\u0000' });
  });

  it('keeps other bytes as base64, so they come back as posted', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x41, 0xe2, 0x82]);
    const fields = bodyFields(bytes);
    expect(fields.body_encoding).toBe('base64');
    expect(Buffer.from(fields.body!, 'base64').equals(bytes)).toBe(true);
  });

  it('no body is null', () => {
    expect(bodyFields(null)).toEqual({ body: null });
  });
});
