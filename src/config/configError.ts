/** A configuration problem, with the path of the bad key (`roles[2].trustPolicy.Statement[0].Effect`). */
export interface ConfigIssue {
  /** Key path; empty for a problem of the file as a whole (unreadable, not YAML). */
  readonly path: string;
  readonly message: string;
  /** Lines of the file around the problem, with a caret under it (YAML syntax errors). */
  readonly frame?: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], file?: string) {
    const where = file ? ` in ${file}` : '';
    const lines = issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}${i.frame ? `\n\n${i.frame.replace(/^/gm, '  ')}\n` : ''}`);
    super(`Invalid configuration${where}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Formats a path array the way users read config files: `roles[2].trustPolicy.Statement[0]`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * Lines `line - 2 … line` of `text` (1-based) with their numbers, and a caret under `column`:
 *
 *      4 |   port: 8080
 *      5 |    host: x
 *        |    ^
 */
export function codeFrame(text: string, line: number, column: number): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, line - 2);
  const width = String(line).length;
  const shown = lines.slice(first - 1, line).map((l, i) => `${String(first + i).padStart(width)} | ${l}`);
  return [...shown, `${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`].join('\n');
}
