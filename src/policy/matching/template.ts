/**
 * Policy variables (G18151–G18470): `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`,
 * `${$}`, recognised only in Version 2012-10-17 documents (G17044) — elsewhere the text is literal.
 *
 * A template is parsed once at load; per request its variables are looked up in the context. What a
 * variable or an escape produces is always literal text: a `*` in a user name never acts as a wildcard.
 */
import type { RequestContext } from '../types.js';
import { LITERAL, ONE, STAR, type Glob } from './glob.js';

export interface VariablePiece {
  readonly kind: 'variable';
  /** The variable as written between the braces, without the default: `aws:username`. */
  readonly name: string;
  /** The context key it reads (lower-cased: keys are case-insensitive). */
  readonly key: string;
  /** The `'default'` of `${key, 'default'}`, used when the key is absent. */
  readonly fallback: string | undefined;
}

export type Piece =
  /** Text as written: its `*` and `?` are wildcards where the operator has wildcards. */
  | { readonly kind: 'text'; readonly text: string }
  /** `${*}`, `${?}`, `${$}`: always literal. */
  | { readonly kind: 'escaped'; readonly text: string }
  | VariablePiece;

export interface Template {
  readonly source: string;
  readonly pieces: readonly Piece[];
  readonly hasVariables: boolean;
}

/** A malformed `${…}`; the caller turns it into a PolicySyntaxError with a path. */
export class TemplateError extends Error {}

const VARIABLE = /\$\{\s*([^\s,}']+)\s*(?:,\s*'([^']*)'\s*)?\}/y;

/** Splits `source` into text, escapes and variables; with `variables` false the whole text is literal. */
export function parseTemplate(source: string, variables: boolean): Template {
  if (!variables || !source.includes('${')) {
    return { source, pieces: [{ kind: 'text', text: source }], hasVariables: false };
  }
  const pieces: Piece[] = [];
  let hasVariables = false;
  let text = '';
  let i = 0;
  while (i < source.length) {
    const start = source.indexOf('${', i);
    if (start < 0) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, start);
    VARIABLE.lastIndex = start;
    const m = VARIABLE.exec(source);
    if (m === null) {
      throw new TemplateError(`Invalid policy variable in ${JSON.stringify(source)}: expected \${key}, \${key, 'default'}, \${*}, \${?} or \${$}.`);
    }
    const name = m[1]!;
    const fallback = m[2];
    if ((name === '*' || name === '?' || name === '$') && fallback === undefined) {
      pieces.push(...textPiece(text), { kind: 'escaped', text: name });
    } else {
      pieces.push(...textPiece(text), { kind: 'variable', name, key: name.toLowerCase(), fallback });
      hasVariables = true;
    }
    text = '';
    i = start + m[0].length;
  }
  pieces.push(...textPiece(text));
  return { source, pieces, hasVariables };
}

function textPiece(text: string): Piece[] {
  return text === '' ? [] : [{ kind: 'text', text }];
}

/** The variable's value: a single-valued context key, else its default; multi-valued keys never resolve. */
export function lookupVariable(variable: VariablePiece, context: RequestContext): string | undefined {
  const value = context.get(variable.key);
  if (value === undefined) return variable.fallback;
  return typeof value === 'string' ? value : undefined;
}

/** The template's text with variables substituted, or the first variable that does not resolve. */
export function resolveString(template: Template, context: RequestContext | null): string | VariablePiece {
  let out = '';
  for (const piece of template.pieces) {
    if (piece.kind !== 'variable') {
      out += piece.text;
      continue;
    }
    const value = context === null ? undefined : lookupVariable(piece, context);
    if (value === undefined) return piece;
    out += value;
  }
  return out;
}

/**
 * The template as a glob: `*`/`?` in written text are wildcards, everything substituted is literal.
 * With a null context (compile time) the template must have no variables.
 */
export function resolveGlob(template: Template, context: RequestContext | null): Glob | VariablePiece {
  const text = resolveString(template, context);
  if (typeof text !== 'string') return text;
  let mask: Uint8Array | null = null;
  let at = 0;
  for (const piece of template.pieces) {
    const length = piece.kind === 'variable' ? lookupVariable(piece, context!)!.length : piece.text.length;
    if (piece.kind === 'text') {
      for (let j = 0; j < length; j++) {
        const c = piece.text[j];
        if (c === '*' || c === '?') {
          mask ??= new Uint8Array(text.length).fill(LITERAL);
          mask[at + j] = c === '*' ? STAR : ONE;
        }
      }
    }
    at += length;
  }
  return { text, mask };
}

/** Tells an unresolved variable apart from a resolved value (string or glob). */
export function isUnresolved(value: unknown): value is VariablePiece {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'variable';
}
