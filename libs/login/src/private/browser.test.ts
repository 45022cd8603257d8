import { execFileSync } from 'node:child_process';
import { browserCommand } from './browser';

const url = "http://idp.example.com/auth?a=1&b='x'";

describe('browserCommand', () => {
  test('$BROWSER gets the URL appended, shell-quoted', () => {
    const cmd = browserCommand(url, { BROWSER: 'printf %s' }, 'linux');
    expect(cmd.file).toBe('/bin/sh');
    // Run it through the real shell: the URL arrives as one intact argument.
    expect(execFileSync(cmd.file, cmd.args).toString()).toBe(url);
  });

  test('$BROWSER with %s gets the URL substituted', () => {
    const cmd = browserCommand(url, { BROWSER: 'printf [%s]' }, 'linux');
    expect(execFileSync(cmd.file, cmd.args).toString()).toBe(`[${url}]`);
  });

  test('platform openers without $BROWSER', () => {
    expect(browserCommand(url, {}, 'linux')).toEqual({ shell: false, file: 'xdg-open', args: [url] });
    expect(browserCommand(url, {}, 'darwin')).toEqual({ shell: false, file: 'open', args: [url] });
    expect(browserCommand(url, { BROWSER: '  ' }, 'linux').file).toBe('xdg-open');
  });
});
