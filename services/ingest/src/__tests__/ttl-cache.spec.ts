import { TtlCache } from '../auth/ttl-cache';

describe('TtlCache', () => {
  afterEach(() => jest.useRealTimers());

  it('loads once within the TTL and again after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new TtlCache<number>(5000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(1);
    jest.setSystemTime(1_000_000 + 5001);
    expect(await cache.get('k', load)).toBe(2);
  });

  it('does not remember values the caller says not to keep (unknown monitors)', async () => {
    const cache = new TtlCache<string | null>(5000);
    let loads = 0;
    const load = async () => (++loads === 1 ? null : 'found');
    expect(await cache.get('k', load, Boolean)).toBeNull();
    expect(await cache.get('k', load, Boolean)).toBe('found');
    expect(await cache.get('k', load, Boolean)).toBe('found');
    expect(loads).toBe(2);
  });
});
