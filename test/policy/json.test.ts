import { describe, expect, it } from 'vitest';
import { JsonNumber, JsonSyntaxError, parseJson, type JsonObject } from '../../src/policy/json.js';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('parseJson (strict, duplicate-aware)', () => {
  it('parses objects into Maps in document order, keeping number text', () => {
    const value = parseJson('{"b": 1.50, "a": [true, false, null, "x\\u0041\\n"], "c": {}}') as JsonObject;
    expect([...value.keys()]).toEqual(['b', 'a', 'c']);
    expect(value.get('b')).toBeInstanceOf(JsonNumber);
    expect((value.get('b') as JsonNumber).text).toBe('1.50');
    expect((value.get('b') as JsonNumber).value).toBe(1.5);
    expect(value.get('a')).toEqual([true, false, null, 'xA\n']);
  });

  it('treats __proto__ as an ordinary key', () => {
    const value = parseJson('{"__proto__": {"polluted": true}}') as JsonObject;
    expect(value.get('__proto__')).toBeInstanceOf(Map);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects a duplicate key at any depth, naming its path', () => {
    expect(syntaxError('{"a": 1, "a": 2}').path).toBe('a');
    const deep = syntaxError('{"Statement": [{"Condition": {"StringEquals": {"k": "1", "k": "2"}}}]}');
    expect(deep.path).toBe('Statement[0].Condition.StringEquals.k');
    expect(deep.detail).toMatch(/^duplicate key "k" at line 1, column \d+$/);
  });

  it('rejects a second top-level value (TV-N1 shape) and reports where it starts', () => {
    const e = syntaxError('{"a": 1}\n {"b": 2}');
    expect(e.detail).toBe('a policy is one JSON value, but another value follows it at line 2, column 2');
  });

  it('reports the element being read when a closer is missing (TV-M0 shape)', () => {
    const e = syntaxError('{"Statement": [\n {"Effect": "Allow"\n ]\n}');
    expect(e.path).toBe('Statement[0]');
    expect(e.detail).toBe('unexpected "]" (expected "," or "}") at line 3, column 2');
  });

  it.each([
    ['{"a": 1,}', 'trailing comma'],
    ["{'a': 1}", 'single quotes'],
    ['{"a": 01}', 'leading zero'],
    ['{"a": "tab\tinside"}', 'raw control character'],
    ['{"a": "\\x41"}', 'invalid escape'],
    ['{"a": "\\u12"}', 'short unicode escape'],
    ['{"a": tru}', 'broken literal'],
    ['{"a": 1', 'unterminated object'],
    ['"abc', 'unterminated string'],
    ['', 'empty input'],
  ])('rejects %s (%s)', (text) => {
    expect(() => parseJson(text)).toThrow(JsonSyntaxError);
  });

  it('refuses nesting deeper than 32 levels instead of overflowing the stack', () => {
    expect(syntaxError('['.repeat(40) + ']'.repeat(40)).detail).toMatch(/^nesting deeper than 32 levels/);
    expect(() => parseJson('['.repeat(20) + ']'.repeat(20))).not.toThrow();
  });
});
