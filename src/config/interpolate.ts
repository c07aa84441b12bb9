/**
 * `${env:NAME}` and `${file:path}` references in any string of the configuration, resolved before
 * validation so secrets never have to be written into the file. A missing variable or unreadable
 * file is an error naming the key path (never the secret).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatPath, type ConfigIssue } from './configError.js';

/** `${env:NAME}`, `${file:path}` (the prefix in any case; IAM policy variables such as `${aws:username}` are left alone). */
const REFERENCE = /\$\{(env|file):([^}]+)\}/gi;

export function interpolate(value: unknown, baseDir: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, baseDir, env, issues, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, baseDir, env, issues, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, baseDir, env, issues, [...path, k]);
    return out;
  }
  return value;
}

function interpolateString(text: string, baseDir: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: (string | number)[]): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (_match, kind: string, ref: string) => {
    const name = ref.trim();
    if (kind.toLowerCase() === 'env') {
      const v = env[name];
      if (v === undefined) {
        issues.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
        return '';
      }
      return v;
    }
    try {
      // Trailing newlines are almost always an accident of `echo secret > file`.
      return readFileSync(resolve(baseDir, name), 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      issues.push({ path: formatPath(path), message: `cannot read file ${name}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
      return '';
    }
  });
}
