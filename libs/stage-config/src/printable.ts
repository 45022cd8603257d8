/**
 * Characters that change what a terminal (or a CI log) shows rather than showing themselves: the
 * control characters (`\p{Cc}`: C0, DEL and C1; ESC starts ANSI sequences, 0x9B is a one-byte CSI
 * on some terminals, CR and LF start new lines, which in a GitHub Actions log can start a
 * `::error` command), line and paragraph separators, and the bidirectional marks and overrides
 * that reorder text on screen.
 */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from outside this program (an identity provider's error description, a server's response,
 * a token claim, a file name) made safe to print: every character that could act on the terminal
 * or the log is written as an escape (`\n`, `\x1b`, `\u202e`); everything else is left as is. The
 * one helper for printing remote text: apply it where such text is put into a message.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
