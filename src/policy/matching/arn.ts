/**
 * Resource and ARN matching (G17516, G17885): an ARN is six colon-separated parts — five
 * segments (`arn`, partition, service, region, account) and the resource, which may itself contain
 * colons. Wildcards in the first five match within their segment only; in the resource part `*`
 * matches anything, `/` and `:` included. Matching is case-sensitive. `*` alone matches everything.
 * A pattern with fewer than five colons is compared as a whole, wildcards not crossing `:`.
 */
import type { RequestContext } from '../types.js';
import { globMatch, type Glob } from './glob.js';
import { isUnresolved, parseTemplate, resolveGlob, type Piece, type Template, type VariablePiece } from './template.js';

/** A glob known at load, or a template to resolve per request. */
export interface GlobSource {
  readonly glob: Glob | null;
  readonly template: Template;
}

export type ArnPattern =
  | { readonly kind: 'any' }
  | { readonly kind: 'arn'; readonly segments: readonly GlobSource[] }
  | { readonly kind: 'plain'; readonly whole: GlobSource };

const ANY: ArnPattern = { kind: 'any' };

export function globSource(template: Template): GlobSource {
  return { glob: template.hasVariables ? null : (resolveGlob(template, null) as Glob), template };
}

/** Compiles a Resource / NotResource / ArnLike value (already split into variables and text). */
export function compileArnPattern(template: Template): ArnPattern {
  if (!template.hasVariables && template.source === '*') return ANY;
  const segments: Piece[][] = [[]];
  for (const piece of template.pieces) {
    if (piece.kind !== 'text' || segments.length === 6) {
      segments[segments.length - 1]!.push(piece);
      continue;
    }
    let text = piece.text;
    let colon = text.indexOf(':');
    while (colon >= 0 && segments.length < 6) {
      if (colon > 0) segments[segments.length - 1]!.push({ kind: 'text', text: text.slice(0, colon) });
      segments.push([]);
      text = text.slice(colon + 1);
      colon = text.indexOf(':');
    }
    if (text !== '') segments[segments.length - 1]!.push({ kind: 'text', text });
  }
  if (segments.length < 6) return { kind: 'plain', whole: globSource(template) };
  return {
    kind: 'arn',
    segments: segments.map((pieces) =>
      globSource({ source: template.source, pieces, hasVariables: pieces.some((p) => p.kind === 'variable') }),
    ),
  };
}

/** Offsets of the first five colons of `value`, or null when it has fewer (then no ARN pattern matches it). */
export function colonOffsets(value: string): Int32Array | null {
  const c0 = value.indexOf(':');
  if (c0 < 0) return null;
  const c1 = value.indexOf(':', c0 + 1);
  if (c1 < 0) return null;
  const c2 = value.indexOf(':', c1 + 1);
  if (c2 < 0) return null;
  const c3 = value.indexOf(':', c2 + 1);
  if (c3 < 0) return null;
  const c4 = value.indexOf(':', c3 + 1);
  if (c4 < 0) return null;
  return Int32Array.of(c0, c1, c2, c3, c4);
}

function globOf(source: GlobSource, context: RequestContext): Glob | VariablePiece {
  return source.glob ?? resolveGlob(source.template, context);
}

/**
 * Does `value` match the pattern? `colons` are `colonOffsets(value)` (computed once per request).
 * Returns the variable that did not resolve when the match needed one.
 */
export function arnPatternMatches(
  pattern: ArnPattern,
  value: string,
  colons: Int32Array | null,
  context: RequestContext,
): boolean | VariablePiece {
  switch (pattern.kind) {
    case 'any':
      return true;
    case 'plain': {
      const glob = globOf(pattern.whole, context);
      if (isUnresolved(glob)) return glob;
      return globMatch(glob, value, 0, value.length, true);
    }
    case 'arn': {
      if (colons === null) return false;
      let unresolved: VariablePiece | undefined;
      for (let i = 0; i < 6; i++) {
        const glob = globOf(pattern.segments[i]!, context);
        if (isUnresolved(glob)) {
          unresolved ??= glob;
          continue;
        }
        const from = i === 0 ? 0 : colons[i - 1]! + 1;
        const to = i === 5 ? value.length : colons[i]!;
        if (!globMatch(glob, value, from, to, false)) return false;
      }
      return unresolved ?? true;
    }
  }
}

/** Convenience for other modules: does the ARN pattern (no policy variables) match `arn`? */
export function arnMatches(pattern: string, arn: string): boolean {
  return arnPatternMatches(compileArnPattern(parseTemplate(pattern, false)), arn, colonOffsets(arn), EMPTY) === true;
}

const EMPTY: RequestContext = new Map();
