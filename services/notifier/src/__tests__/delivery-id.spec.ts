import { deliveryIdFor, deliveryKey, uuidV5 } from '../deliveries/delivery-id';

describe('delivery ids', () => {
  it('uuidV5 matches the RFC example (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('one id per transition and integration, the same every time it is computed', () => {
    const event = '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c:issue.opened:x';
    const a = deliveryIdFor(deliveryKey(event, 'a0000000-0000-4000-8000-00000000000a'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryIdFor(deliveryKey(event, 'a0000000-0000-4000-8000-00000000000a'))).toBe(a);
    expect(deliveryIdFor(deliveryKey(event, 'b0000000-0000-4000-8000-00000000000b'))).not.toBe(a);
    expect(deliveryIdFor(deliveryKey(`${event}y`, 'a0000000-0000-4000-8000-00000000000a'))).not.toBe(a);
  });

  it('the key is the event id and the integration id', () => {
    expect(deliveryKey('e:1', 'i')).toBe('e:1:i');
  });
});
