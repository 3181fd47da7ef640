import { fractionMembers, markFractionMembers, writtenAsFraction } from '../json-literals';

describe('fractionMembers', () => {
  it('finds top-level numbers written with a fraction or an exponent', () => {
    expect(fractionMembers('{"timeout": 3600.0, "grace": 60, "x": -1.5e3, "y": 2E2}')).toEqual(['timeout', 'x', 'y']);
  });

  it('ignores numbers inside strings, keys that look like numbers, and nested values', () => {
    expect(fractionMembers('{"desc": "3.5 \\" 1.0", "1.5": 1, "nested": {"a": 1.5}, "list": [2.5], "after": 7}')).toEqual([]);
    expect(fractionMembers('{"a": {"b": [1, {"c": 2.0}]}, "d": 0.5}')).toEqual(['d']);
  });

  it('reads escaped keys', () => {
    expect(fractionMembers('{"time\\u006fut": 1.0}')).toEqual(['timeout']);
  });

  it('marks a parsed object without changing what it serialises to', () => {
    const text = '{"timeout": 3600.0}';
    const body = JSON.parse(text) as Record<string, unknown>;
    markFractionMembers(body, text);
    expect(writtenAsFraction(body, 'timeout')).toBe(true);
    expect(writtenAsFraction(body, 'grace')).toBe(false);
    expect(JSON.stringify(body)).toBe('{"timeout":3600}');
    expect(Object.keys(body)).toEqual(['timeout']);
    expect(writtenAsFraction([1.0], '0')).toBe(false);
  });
});
