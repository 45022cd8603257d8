import { spawn } from 'node:child_process';

/** Quotes one argument for `sh -c`. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that opens `url`: `$BROWSER` when set (a command line run by the shell; `%s`
 * is replaced by the URL, otherwise the URL is appended, as in Python's `webbrowser`), else the
 * platform's opener.
 */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): { shell: boolean; file: string; args: string[] } {
  const browser = env.BROWSER?.trim();
  if (browser) {
    const cmd = browser.includes('%s') ? browser.split('%s').join(shellQuote(url)) : `${browser} ${shellQuote(url)}`;
    return platform === 'win32' ? { shell: true, file: cmd, args: [] } : { shell: false, file: '/bin/sh', args: ['-c', cmd] };
  }
  if (platform === 'darwin') return { shell: false, file: 'open', args: [url] };
  if (platform === 'win32') return { shell: false, file: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  return { shell: false, file: 'xdg-open', args: [url] };
}

/**
 * Starts the browser without waiting for it. Resolves false when it could not be started or its
 * launcher failed right away (no display, no xdg-open): the caller then relies on the printed URL.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { shell, file, args } = browserCommand(url, env);
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const child = spawn(file, args, { shell, env, detached: true, stdio: 'ignore' });
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
    // A real browser keeps running: give a launcher a moment to fail, then assume it worked.
    const timer = setTimeout(() => done(true), 1500);
    timer.unref();
    child.unref();
  });
}
