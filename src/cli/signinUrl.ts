/**
 * `fedbroker signin-url`: from temporary credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN — as `aws sts assume-role` leaves them for a script) to a
 * console sign-in URL, exactly as an SSO portal builds one (guide G6560 ff.): getSigninToken on the
 * broker's federation endpoint (POSTed), then the login URL with that token. The URL works once, within
 * console.signinTokenTtlSeconds.
 *
 *   fedbroker signin-url [--url BROKER_URL | --config FILE] [--destination URL] [--issuer URL] [--duration SECONDS]
 *
 * With `--upstream` the credentials are AWS's (from an upstream role, upstream.md): the URL comes from
 * the configuration's `upstream.federationEndpoint` (the AWS federation endpoint), for
 * `upstream.consoleUrl` unless --destination names another page.
 */
import { isAwsError } from '../errors.js';
import { awsConsoleUrl } from '../upstream/federation.js';
import { loadConfigFromArgs, option, type CliArgs } from './args.js';

const USAGE =
  'usage: fedbroker signin-url [--url BROKER_URL | --config FILE] [--upstream] [--destination URL] [--issuer URL] [--duration SECONDS]\n' +
  '       (credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)\n';

export async function signinUrl(args: CliArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    process.stderr.write(`fedbroker signin-url: temporary credentials are needed (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), e.g. from aws sts assume-role\n${USAGE}`);
    return 2;
  }
  if (args.options.get('upstream') === true) return upstreamSigninUrl(args, { accessKeyId, secretAccessKey, sessionToken });
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

/** The AWS console through the upstream federation endpoint (GET, as AWS documents it). */
async function upstreamSigninUrl(args: CliArgs, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): Promise<number> {
  const loaded = loadConfigFromArgs(args);
  const upstream = loaded.config.upstream;
  if (upstream === undefined) {
    process.stderr.write(`fedbroker signin-url: --upstream needs a configuration with an upstream block (${loaded.file} has none)\n${USAGE}`);
    return 2;
  }
  const duration = option(args, 'duration');
  if (duration !== undefined && !/^\d{1,6}$/.test(duration)) {
    process.stderr.write(`fedbroker signin-url: --duration must be a number of seconds\n${USAGE}`);
    return 2;
  }
  try {
    const url = await awsConsoleUrl({
      federationEndpoint: upstream.federationEndpoint,
      credentials,
      ...(duration !== undefined ? { sessionDuration: Number(duration) } : {}),
      destination: option(args, 'destination') ?? upstream.consoleUrl,
      issuer: option(args, 'issuer') ?? `${loaded.publicUrl}/console`,
      timeoutMs: upstream.timeoutMs,
    });
    process.stdout.write(`${url}\n`);
    return 0;
  } catch (e) {
    if (!isAwsError(e)) throw e;
    process.stderr.write(`fedbroker signin-url: ${e.message}\n`);
    return 1;
  }
}
