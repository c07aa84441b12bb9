/**
 * parsePolicy(): a policy document in, a validated and pre-compiled policy out — or a
 * PolicySyntaxError naming the element at fault, with AWS's message. The checks, in order:
 *
 *   toSource → checkSize → checkCharacters → parseStrictJson → checkStringCharacters
 *     → validatePolicy (IAM's rules in IAM's order: grammar.ts) → compileStatement (each: parse-statement.ts)
 *
 * Version 2012-10-17 turns on policy variables; 2008-10-17 (also the default when Version is absent,
 * G17040) reads `${…}` literally. Element order does not matter (seed-digest §10 #6).
 */
import { PolicyDocument } from './document.js';
import { GrammarError, PolicySyntaxError } from './errors.js';
import { SYNTAX, validatePolicy } from './grammar.js';
import { childPath, isJsonObject, JsonSyntaxError, lineColumn, parseJson, type JsonValue } from './json.js';
import { compileStatement } from './parse-statement.js';
import type { CompiledPolicy, PolicyKind } from './types.js';

export interface ParseOptions {
  readonly kind: PolicyKind;
  /** Shown in explanations and audit: `trust:admin`, `inline:admin#0`, `session`, a managed policy name. */
  readonly name: string;
  /** Most characters allowed, white space excluded (2048 for trust and session policies, 6144 managed…). */
  readonly maxSize?: number;
}

export function parsePolicy(document: string | object, options: ParseOptions): CompiledPolicy {
  const fail = (message: string, path: string, problem: PolicySyntaxError['problem'], detail?: string): PolicySyntaxError =>
    new PolicySyntaxError(message, { path, problem, policy: options.name, ...(detail !== undefined ? { detail } : {}) });

  const source = toSource(document, fail);
  const size = checkSize(source, options.maxSize, fail);
  checkCharacters(source, fail);
  const tree = parseStrictJson(source, fail);
  checkStringCharacters(tree, '', fail);
  try {
    const { version, id, statements } = validatePolicy(tree, options.kind);
    const compileOptions = { policy: options.name, kind: options.kind, variables: version === '2012-10-17' };
    const compiled = statements.map((s) => compileStatement(s.value, s.path, s.index, compileOptions));
    return new PolicyDocument(options.name, options.kind, version, source, size, id, compiled);
  } catch (e) {
    if (e instanceof GrammarError) throw fail(e.aws, e.path, 'grammar', e.detail);
    throw e;
  }
}

type Fail = (message: string, path: string, problem: PolicySyntaxError['problem'], detail?: string) => PolicySyntaxError;

/** Text as received; an object (from YAML config) goes through JSON so it is checked exactly like text. */
function toSource(document: string | object, fail: Fail): string {
  if (typeof document === 'string') return document;
  if (document === null || typeof document !== 'object') throw fail(SYNTAX, '', 'json', 'A policy must be JSON text or an object.');
  let text: string | undefined;
  try {
    text = JSON.stringify(document);
  } catch {
    text = undefined;
  }
  if (text === undefined) throw fail(SYNTAX, '', 'json', 'The policy object cannot be represented as JSON.');
  return text;
}

/** Policy size in characters, white space excluded (G18769, G16754). */
function checkSize(source: string, maxSize: number | undefined, fail: Fail): number {
  let size = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) size++;
  }
  if (maxSize !== undefined && size > maxSize) {
    throw fail(`The policy has ${size} characters (white space excluded); the limit is ${maxSize}.`, '', 'size');
  }
  return size;
}

function allowedCharacter(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xff);
}

const ALLOWED = 'only tab, line feed, carriage return and U+0020 to U+00FF are allowed';

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Only U+0009, U+000A, U+000D and U+0020–U+00FF (G16679). */
function checkCharacters(source: string, fail: Fail): void {
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (!allowedCharacter(c)) {
      const { line, column } = lineColumn(source, i);
      throw fail(`The policy contains the character ${codePoint(c)} at line ${line}, column ${column}; ${ALLOWED}.`, '', 'characters');
    }
  }
}

/** The same rule for what `\u` escapes decode to. */
function checkStringCharacters(value: JsonValue, path: string, fail: Fail): void {
  const check = (text: string, at: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!allowedCharacter(c)) throw fail(`The policy contains the character ${codePoint(c)}; ${ALLOWED}.`, at, 'characters');
    }
  };
  if (typeof value === 'string') check(value, path);
  else if (Array.isArray(value)) (value as readonly JsonValue[]).forEach((v, i) => checkStringCharacters(v, childPath(path, i), fail));
  else if (isJsonObject(value)) {
    for (const [key, v] of value) {
      const at = childPath(path, key);
      check(key, at);
      checkStringCharacters(v, at, fail);
    }
  }
}

function parseStrictJson(source: string, fail: Fail): JsonValue {
  try {
    return parseJson(source);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw fail(SYNTAX, e.path, 'json', `${e.detail[0]!.toUpperCase()}${e.detail.slice(1)}.`);
    throw e;
  }
}
