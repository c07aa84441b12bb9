/** A small argument parser: positionals, `--flag value`, `--flag=value`, and boolean `--flag`. */

export interface CliArgs {
  readonly positional: string[];
  readonly options: ReadonlyMap<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['offline', 'json', 'help', 'prune', 'upstream', 'no-browser']);

export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) options.set(arg.slice(2, eq), arg.slice(eq + 1));
      else {
        const name = arg.slice(2);
        const next = argv[i + 1];
        if (!BOOLEAN_FLAGS.has(name) && next !== undefined && !next.startsWith('--')) {
          options.set(name, next);
          i++;
        } else options.set(name, true);
      }
    } else positional.push(arg);
  }
  return { positional, options };
}

export function option(args: CliArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}
