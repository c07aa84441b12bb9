/**
 * `fedbroker signin-url`: from temporary credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN — as `aws sts assume-role` leaves them for a script) to a
 * console sign-in URL, exactly as an SSO portal builds one (guide G6560 ff.): getSigninToken on the
 * broker's federation endpoint (POSTed), then the login URL with that token. The URL works once, within
 * console.signinTokenTtlSeconds.
 *
 *   fedbroker signin-url [--url BROKER_URL | --config FILE] [--destination URL] [--issuer URL] [--duration SECONDS]
 */
import { loadConfigFromArgs, option, type CliArgs } from './args.js';

const USAGE =
  'usage: fedbroker signin-url [--url BROKER_URL | --config FILE] [--destination URL] [--issuer URL] [--duration SECONDS]\n' +
  '       (credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)\n';

export async function signinUrl(args: CliArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    process.stderr.write(`fedbroker signin-url: temporary credentials are needed (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), e.g. from aws sts assume-role\n${USAGE}`);
    return 2;
  }
  const base = (option(args, 'url') ?? loadConfigFromArgs(args).publicUrl).replace(/\/+$/, '');
  const destination = option(args, 'destination') ?? `${base}/console`;
  const issuer = option(args, 'issuer') ?? base;
  const duration = option(args, 'duration');

  // POSTed, not in a query string: the secret must not end up in a proxy's access log.
  const form = new URLSearchParams({ Action: 'getSigninToken', Session: JSON.stringify({ sessionId: accessKeyId, sessionKey: secretAccessKey, sessionToken }) });
  if (duration !== undefined) form.set('SessionDuration', duration);
  if (!/^https:/i.test(base) && !/^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(base)) {
    process.stderr.write(`fedbroker signin-url: warning: ${base} is not https; the credentials travel unencrypted\n`);
  }
  let response: Response;
  try {
    response = await fetch(`${base}/federation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
  } catch (e) {
    process.stderr.write(`fedbroker signin-url: cannot reach ${base}/federation: ${(e as Error).message}\n`);
    return 1;
  }
  const text = await response.text();
  let body: { SigninToken?: unknown; Error?: { Code?: unknown; Message?: unknown } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON: reported below */
  }
  if (response.status !== 200 || typeof body.SigninToken !== 'string') {
    const why = body.Error ? `${String(body.Error.Code)}: ${String(body.Error.Message)}` : `HTTP ${response.status}`;
    process.stderr.write(`fedbroker signin-url: getSigninToken refused: ${why}\n`);
    return 1;
  }
  const login = new URLSearchParams({ Action: 'login', Issuer: issuer, Destination: destination, SigninToken: body.SigninToken });
  process.stdout.write(`${base}/federation?${login}\n`);
  return 0;
}
