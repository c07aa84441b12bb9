#!/usr/bin/env node
/**
 * The `fedbroker` command: serve | check-config | simulate | keys rotate | mfa … | audit verify |
 * revoke … | signin-url | login. Each subcommand lives in its own module; this file only dispatches.
 */
import { parseArgs } from './argv.js';
import { reportError } from './report.js';
import { COMMANDS, commandUsage, generalUsage } from './usage.js';

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command, ...rest] = args.positional;
  const help = args.options.get('help') === true || args.positional.includes('-h');
  if (command === 'help' || command === '-h' || (command === undefined && help)) {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(topic !== undefined && topic in COMMANDS ? commandUsage(topic) : generalUsage());
    return 0;
  }
  if (help && command !== undefined && command in COMMANDS) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
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
    case 'login':
      return (await import('./login.js')).login(args);
    case undefined:
      process.stderr.write(generalUsage());
      return 2;
    default:
      process.stderr.write(`fedbroker: unknown command '${command}'\n\n${generalUsage()}`);
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
