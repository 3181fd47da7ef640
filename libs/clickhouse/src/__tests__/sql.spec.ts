import { identifier, joinSql, literal, sql, SqlValueError } from '../sql';

describe('sql', () => {
  it('renders values as literals, never as query text', () => {
    const q = sql`SELECT * FROM t WHERE a = ${"x' OR 1=1 --"} AND b = ${42} AND c IN ${['p', 'q']} AND d = ${null}`;
    expect(q.text).toBe("SELECT * FROM t WHERE a = 'x\\' OR 1=1 --' AND b = 42 AND c IN ['p', 'q'] AND d = NULL");
  });

  it.each([
    ['back\\slash', "'back\\\\slash'"],
    ["quo'te", "'quo\\'te'"],
    ['new\nline\ttab\rret', "'new\\nline\\ttab\\rret'"],
    ['nul\0byte', "'nul\\0byte'"],
    ['emoji ✓', "'emoji ✓'"],
    ["\\'", "'\\\\\\''"],
  ])('escapes %j', (value, expected) => {
    expect(literal(value)).toBe(expected);
  });

  it('renders dates as UTC epoch seconds, booleans as 0/1 and bigints exactly', () => {
    expect(literal(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe("toDateTime(1767323045, 'UTC')");
    expect(literal(true)).toBe('1');
    expect(literal(2n ** 63n)).toBe('9223372036854775808');
  });

  it('refuses values that have no safe literal', () => {
    expect(() => literal(Number.NaN)).toThrow(SqlValueError);
    expect(() => literal(Infinity)).toThrow(SqlValueError);
    expect(() => literal(new Date('nope'))).toThrow(SqlValueError);
  });

  it('accepts only plain identifiers', () => {
    expect(identifier('checkins').text).toBe('`checkins`');
    expect(() => identifier('checkins; DROP TABLE x')).toThrow(SqlValueError);
    expect(() => identifier('a`b')).toThrow(SqlValueError);
  });

  it('nests fragments without quoting them', () => {
    const where = joinSql([sql`a = ${1}`, sql`b = ${'x'}`], ' AND ');
    expect(sql`SELECT 1 WHERE ${where}`.text).toBe("SELECT 1 WHERE a = 1 AND b = 'x'");
  });
});
