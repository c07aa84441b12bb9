/**
 * Telling the person where to approve: on the terminal — `/dev/tty` when the process has one, since
 * AWS tools that run a credential_process keep its stderr until it exits — else stderr; and in a
 * browser where one can be opened ($BROWSER, else xdg-open / open / start). Opening a browser never
 * fails the login.
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

/** Starts a browser on `url`, detached; false when none could be started. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const browser = env['BROWSER']?.split(':')[0]?.trim();
  const [command, args] = browser
    ? browser.includes('%s')
      ? [browser.split(/\s+/)[0]!, browser.split(/\s+/).slice(1).map((a) => a.replace('%s', url))]
      : [browser, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
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
