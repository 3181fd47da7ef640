import { toStorableText, unstorableText } from '../index';

describe('storable text', () => {
  it.each([
    ['plain', null],
    ['', null],
    ['emoji \ud83d\ude00 in a pair', null],
    ['a\u0000b', 'nul'],
    ['lone high \ud800', 'lone_surrogate'],
    ['lone high \ud800 before text', 'lone_surrogate'],
    ['lone low \udc00', 'lone_surrogate'],
    ['reversed \ude00\ud83d', 'lone_surrogate'],
  ])('%j -> %s', (value, problem) => {
    expect(unstorableText(value)).toBe(problem);
    // Twice: the global expression's position must not carry over from one call to the next.
    expect(unstorableText(value)).toBe(problem);
  });

  it('cleans what is recorded of a refused value, keeping proper pairs', () => {
    expect(toStorableText('a\u0000b\ud800c\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ud83d\ude00');
    expect(toStorableText('fine')).toBe('fine');
  });
});
