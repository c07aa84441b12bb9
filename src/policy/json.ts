/**
 * A strict JSON parser for policy documents (RFC 8259), written because `JSON.parse` silently keeps
 * the last of duplicate keys — and IAM rejects them (G18770; TV-N2…N4) — and accepts nothing but one
 * value per document (TV-N1).
 *
 * Objects become Maps (no prototype tricks with `__proto__` keys) in document order; numbers keep
 * their text so `"NumericEquals": 10.0` and `"StringEquals": 10.0` see what the author wrote.
 */

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];
export type JsonObject = ReadonlyMap<string, JsonValue>;

export function isJsonObject(value: JsonValue): value is JsonObject {
  return value instanceof Map;
}

/** Why and where parsing failed; `path` is the element being read (`Statement[0].Effect`). */
export class JsonSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly path: string,
    readonly offset: number,
  ) {
    super(detail);
    this.name = 'JsonSyntaxError';
  }
}

/** Deep enough for any policy (policy → Statement → [ ] → Condition → operator → key → [ ]), shallow enough to never overflow the stack. */
const MAX_DEPTH = 32;

/**
 * Joins a path and a member name the way error messages show it: `Statement[0].Condition`, and
 * `StringEquals["saml:aud"]` for names that are not plain identifiers.
 */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** 1-based line and column of a UTF-16 offset, for messages. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses exactly one JSON value. Throws JsonSyntaxError on invalid JSON, a duplicate key in any
 * object, nesting deeper than 32 levels, or anything but white space after the value.
 */
export function parseJson(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipWhitespace();
  const value = parser.readValue('', 0);
  parser.skipWhitespace();
  if (parser.pos < text.length) {
    throw parser.fail('a policy is one JSON value, but another value follows it', '');
  }
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(detail: string, path: string, at = this.pos): JsonSyntaxError {
    const { line, column } = lineColumn(this.text, at);
    return new JsonSyntaxError(`${detail} at line ${line}, column ${column}`, path, at);
  }

  private unexpected(path: string, expected: string): JsonSyntaxError {
    if (this.pos >= this.text.length) return this.fail(`unexpected end of input (expected ${expected})`, path);
    return this.fail(`unexpected ${JSON.stringify(this.text[this.pos])} (expected ${expected})`, path);
  }

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  readValue(path: string, depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw this.fail(`nesting deeper than ${MAX_DEPTH} levels`, path);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.readObject(path, depth);
      case '[':
        return this.readArray(path, depth);
      case '"':
        return this.readString(path);
      case 't':
        return this.readLiteral('true', true, path);
      case 'f':
        return this.readLiteral('false', false, path);
      case 'n':
        return this.readLiteral('null', null, path);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.readNumber(path);
        throw this.unexpected(path, 'a JSON value');
    }
  }

  private readLiteral<T extends JsonValue>(word: string, value: T, path: string): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    throw this.unexpected(path, 'a JSON value');
  }

  private readObject(path: string, depth: number): JsonObject {
    const result = new Map<string, JsonValue>();
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') throw this.unexpected(path, 'a member name in double quotes');
      const keyAt = this.pos;
      const key = this.readString(path);
      const memberPath = childPath(path, key);
      if (result.has(key)) throw this.fail(`duplicate key ${JSON.stringify(key)}`, memberPath, keyAt);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') throw this.unexpected(memberPath, '":"');
      this.pos++;
      this.skipWhitespace();
      result.set(key, this.readValue(memberPath, depth + 1));
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (c === '}') {
        this.pos++;
        return result;
      }
      throw this.unexpected(path, '"," or "}"');
    }
  }

  private readArray(path: string, depth: number): JsonArray {
    const result: JsonValue[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.readValue(childPath(path, result.length), depth + 1));
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (c === ']') {
        this.pos++;
        return result;
      }
      throw this.unexpected(path, '"," or "]"');
    }
  }

  private readString(path: string): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) throw this.fail('unterminated string', path);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) throw this.fail('control character in string (escape it)', path);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(chunkStart, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw this.fail('invalid \\u escape', path, this.pos - 2);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          throw this.fail('invalid escape sequence', path, this.pos - 2);
      }
      chunkStart = this.pos;
    }
  }

  private readNumber(path: string): JsonNumber {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.pos;
    const m = match.exec(this.text);
    if (m === null) throw this.unexpected(path, 'a number');
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }
}
