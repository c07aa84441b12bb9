#!/usr/bin/env node
/**
 * The `fedbroker` command: serve | check-config | simulate | keys rotate | mfa … | audit verify |
 * revoke … | signin-url. Each subcommand lives in its own module; this file only dispatches.
 */
import { parseArgs } from './args.js';
import { reportError } from './report.js';

const USAGE = `Usage: fedbroker <command> [options]

Commands:
  serve [--config FILE]                         run the broker (default config/broker.yaml, or $FEDBROKER_CONFIG)
  check-config [FILE] [--upstream]              validate a configuration: schema, every policy, ARN, provider;
                                                --upstream: also show which AWS identity fedbroker runs as
  simulate --config FILE --provider NAME (--assertion FILE | --attributes FILE | --token FILE) [--role ARN] [--mfa] [--source-ip IP] [--json]
                                                which roles an identity may take, and why not the others
  keys rotate [--config FILE]                   add a new sealing key (old keys stay valid for what they sealed)
  mfa list [--user NAME] [--json] [--config FILE]
                                                MFA devices: serial, owner, enabled, failures, lockout (never seeds)
  mfa deactivate (--serial ARN | --user NAME) [--config FILE]
                                                deactivate a lost device, as an administrator (audited)
  revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT [--config FILE]
                                                revoke sessions issued before now (an upstream role: stop
                                                issuing, and how to revoke what AWS issued)
  audit verify [FILE...] [--config FILE]        check the audit log's hash chain
  signin-url [--url URL | --config FILE] [--upstream] [--destination URL] [--issuer URL] [--duration SECONDS]
                                                a console sign-in URL from the temporary credentials in
                                                AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
                                                (--upstream: AWS credentials, through upstream.federationEndpoint)
`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command, ...rest] = args.positional;
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serve(args);
    case 'check-config':
      return (await import('./checkConfig.js')).checkConfig(args, rest);
    case 'simulate':
      return (await import('./simulate.js')).simulate(args);
    case 'keys':
      return (await import('./keys.js')).keys(args, rest);
    case 'mfa':
      return (await import('./mfa.js')).mfa(args, rest);
    case 'revoke':
      return (await import('./revoke.js')).revoke(args, rest);
    case 'audit':
      return (await import('./audit.js')).audit(args, rest);
    case 'signin-url':
      return (await import('./signinUrl.js')).signinUrl(args);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`fedbroker: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // `serve` keeps the process alive through its server; everything else exits here.
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);
