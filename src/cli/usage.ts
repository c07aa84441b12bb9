/** What `fedbroker --help` and `fedbroker <command> --help` print: one place for every command's usage. */

export interface CommandHelp {
  /** The synopsis lines, without the leading `fedbroker `. */
  readonly synopsis: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Options and environment variables: [what you type, what it does]. */
  readonly options: ReadonlyArray<readonly [string, string]>;
  readonly notes?: string;
}

const CONFIG = ['--config FILE', 'the configuration (default: $FEDBROKER_CONFIG, else config/broker.yaml)'] as const;

export const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  serve: {
    synopsis: ['serve [--config FILE]'],
    summary: 'run the broker',
    options: [CONFIG, ['PORT=N', 'listen on port N instead of server.port (the default publicUrl follows it)'], ['LOG_LEVEL=LEVEL', 'trace, debug, info (default), warn, error']],
    notes: 'SIGHUP reloads the configuration; SIGTERM or SIGINT stops accepting, finishes the requests in\nflight and exits. `npm start [-- --config FILE]` runs this command.',
  },
  'check-config': {
    synopsis: ['check-config [FILE] [--offline] [--upstream]'],
    summary: 'validate a configuration, and find typos that leave roles unusable',
    options: [
      ['FILE', 'the configuration (default: $FEDBROKER_CONFIG, else config/broker.yaml)'],
      ['--offline', 'do not fetch SAML metadata URLs'],
      ['--upstream', 'also call GetCallerIdentity upstream: which AWS identity fedbroker runs as'],
    ],
    notes: 'Exit 0 when the broker would start with it (warnings are printed), 1 with every problem otherwise.',
  },
  simulate: {
    synopsis: ['simulate --config FILE --provider NAME (--assertion FILE | --attributes FILE | --token FILE) [--role ARN] [--mfa] [--source-ip IP] [--json]'],
    summary: 'which roles an identity may take, and why not the others',
    options: [
      CONFIG,
      ['--provider NAME', 'the identity provider (SAML name or OIDC name)'],
      ['--assertion FILE', 'a SAML Response or Assertion (XML, or base64 of it)'],
      ['--attributes FILE', '{"nameId": "…", "attributes": {"groups": ["eng"]}}: SAML attributes without an assertion'],
      ['--token FILE', 'an ID token (OIDC)'],
      ['--role ARN', 'judge only this role'],
      ['--mfa', 'as if the identity provider had asserted MFA'],
      ['--source-ip IP', 'aws:SourceIp of the simulated request'],
      ['--json', 'machine-readable output'],
    ],
  },
  keys: {
    synopsis: ['keys rotate [--config FILE]'],
    summary: 'add a new sealing key (old keys stay valid)',
    options: [CONFIG],
    notes: 'Running brokers use the new key after a restart.',
  },
  mfa: {
    synopsis: [
      'mfa list [--user NAME] [--provider NAME --subject SUBJECT] [--json] [--config FILE]',
      'mfa deactivate (--serial ARN | --user NAME) [--config FILE]',
      'mfa remove (--serial ARN | --passkey ID) [--config FILE]',
      'mfa enrol --provider NAME --subject SUBJECT [--config FILE]',
    ],
    summary: 'list MFA devices and passkeys; deactivate or remove one; enrolment links',
    options: [
      CONFIG,
      ['--user NAME', 'the devices of this IAM user'],
      ['--provider NAME --subject SUBJECT', "a federated person (SUBJECT as `mfa list` shows it in the owner)"],
      ['--serial ARN', 'the TOTP device to deactivate or remove'],
      ['--passkey ID', 'the passkey to remove (its id as `mfa list` shows it)'],
      ['--json', 'machine-readable output'],
    ],
    notes:
      'Never prints a seed. `enrol` prints a one-use link (15 minutes) with which that person, signed in\nthrough that provider, adds a passkey or an authenticator app (mfa.federatedEnrollment: admin-only).\nEvery change is an audit event naming the administrator who ran it.',
  },
  revoke: {
    synopsis: ['revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT [--config FILE]'],
    summary: 'revoke sessions issued before now',
    options: [CONFIG],
    notes: 'Effective on every instance sharing the store within a second. For an upstream role: stops new\nissuances and prints how to revoke, in AWS, the sessions AWS already issued.',
  },
  audit: {
    synopsis: ['audit verify [FILE...] [--config FILE]'],
    summary: "check the audit log's hash chain",
    options: [['FILE...', 'audit files (default: audit.file of the configuration)'], CONFIG],
  },
  'signin-url': {
    synopsis: ['signin-url [--url URL | --config FILE] [--upstream] [--destination URL] [--issuer URL] [--duration SECONDS]'],
    summary: 'a console sign-in URL from temporary credentials',
    options: [
      ['--url URL', 'the broker (default: publicUrl of --config)'],
      CONFIG,
      ['--upstream', 'the credentials are AWS credentials: sign in through upstream.federationEndpoint of --config'],
      ['--destination URL', "where the browser lands (default: the broker's /console)"],
      ['--issuer URL', 'your portal, recorded in the audit event'],
      ['--duration SECONDS', 'console session length, 900..43200'],
    ],
    notes: 'Reads the credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.',
  },
  login: {
    synopsis: ['login --url URL --account ID --role NAME [--region REGION] [--no-browser]'],
    summary: 'credential_process helper: sign in through the browser, print role credentials as JSON',
    options: [
      ['--url URL', "the broker's address (its publicUrl): https, or http only on this machine (loopback)"],
      ['--account ID', 'the 12-digit account of the role'],
      ['--role NAME', 'the role name, as the access portal lists it'],
      ['--region REGION', 'recorded in the token cache, as aws sso login does (default us-east-1)'],
      ['--no-browser', 'do not try to open a browser; print the URL and code only'],
    ],
    notes: 'The device flow prints its URL and code on the terminal (/dev/tty). Tokens are cached where the\nAWS CLI keeps them (~/.aws/sso/cache), role credentials until 5 minutes before they expire.',
  },
};

export function commandUsage(name: string): string {
  const help = COMMANDS[name]!;
  const lines = help.synopsis.map((s, i) => `${i === 0 ? 'Usage:' : '      '} fedbroker ${s}`);
  const width = Math.max(...help.options.map(([o]) => o.length)) + 2;
  const options = help.options.map(([o, d]) => `  ${o.padEnd(width)}${d}`).join('\n');
  return `${lines.join('\n')}\n\n${help.summary.charAt(0).toUpperCase()}${help.summary.slice(1)}.\n\n${options}\n${help.notes ? `\n${help.notes}\n` : ''}`;
}

export function generalUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`).join('\n');
  return `Usage: fedbroker <command> [options]\n\nCommands:\n${list}\n\nfedbroker <command> --help shows the command's usage and options.\n`;
}
