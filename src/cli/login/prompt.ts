/**
 * Telling the person where to approve: on the terminal — `/dev/tty` when the process has one, since
 * AWS tools that run a credential_process keep its stderr until it exits — else stderr; and in a
 * browser where one can be opened ($BROWSER, else xdg-open / open / rundll32). Opening a browser never
 * fails the login.
 *
 * The URL and code come from the broker's answer: only a plain http(s) URL is ever handed to a
 * launcher (never through a shell or cmd.exe, where `&` or `%` would mean something), and nothing the
 * broker sends can write control sequences to the terminal.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

export function tell(text: string): void {
  let fd: number | undefined;
  try {
    fd = openSync('/dev/tty', 'w');
    writeSync(fd, text);
    return;
  } catch {
    process.stderr.write(text);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Text from the broker made safe for a terminal: no control characters (escape sequences). */
export function printable(text: unknown, max = 2048): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return String(text).slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * `url` when it is an absolute http(s) URL without credentials, made only of characters no launcher
 * or shell gives a meaning to (no `&`, `;`, `$`, quotes, spaces); undefined otherwise (it is then
 * shown, not opened).
 */
export function launchableUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2048 || !/^https?:\/\/[A-Za-z0-9\-._~:/?#[\]@+,=%]+$/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a browser on `url`, detached; false when none could be started (or the URL is not a plain http(s) one). */
export function openBrowser(untrusted: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const url = launchableUrl(untrusted);
  if (url === undefined) return false;
  const browser = env['BROWSER']?.split(':')[0]?.trim();
  const [command, args] = browser
    ? browser.includes('%s')
      ? [browser.split(/\s+/)[0]!, browser.split(/\s+/).slice(1).map((a) => a.replace('%s', () => url))]
      : [browser, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
