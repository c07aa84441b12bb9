/**
 * Action matching (G17404): `service:Action`, case-insensitive, `*` and `?` wildcards.
 * Patterns are lower-cased once at load; the request's action once per evaluation.
 */
import { compileGlob, globMatch, type Glob } from './glob.js';

export function compileActionPattern(pattern: string): Glob {
  return compileGlob(pattern.toLowerCase());
}

/** `actionLower` must already be lower-cased. */
export function actionPatternMatches(pattern: Glob, actionLower: string): boolean {
  return globMatch(pattern, actionLower, 0, actionLower.length, false);
}

/** Convenience for other modules: does `pattern` (e.g. `sts:AssumeRole*`) match `action`? */
export function actionMatches(pattern: string, action: string): boolean {
  const lower = action.toLowerCase();
  return actionPatternMatches(compileActionPattern(pattern), lower);
}
