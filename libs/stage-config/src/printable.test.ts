import { printable } from './printable';

describe('printable', () => {
  test.each([
    ['ANSI colour and cursor sequences', '\u001b[31mred\u001b[0m\u001b[2J', '\\x1b[31mred\\x1b[0m\\x1b[2J'],
    ['an OSC sequence (terminal title, hyperlinks)', '\u001b]0;owned\u0007', '\\x1b]0;owned\\x07'],
    ['new lines that could forge a log line', 'ok\n::error::forged\r\n', 'ok\\n::error::forged\\r\\n'],
    ['a one-byte CSI and DEL', '\u009b2J\u007f', '\\x9b2J\\x7f'],
    ['bidirectional overrides and separators', 'a\u202eb\u2066c\u2028d', 'a\\u202eb\\u2066c\\u2028d'],
    ['NUL and TAB', 'a\u0000b\tc', 'a\\x00b\\tc'],
  ])('escapes %s', (_what, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  test('leaves printable text, quotes and non-ASCII letters alone', () => {
    expect(printable('login was denied ("é", 日本, 100%) \\path')).toBe('login was denied ("é", 日本, 100%) \\path');
  });
});
