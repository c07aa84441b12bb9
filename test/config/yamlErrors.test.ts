/**
 * YAML syntax errors a person can act on: the line and column, the lines around it with a caret,
 * said once (not an echo per follow-on error), without a `(root):` prefix or a dangling colon.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfigText } from '../../src/config/load.js';

function errorOf(text: string): ConfigError {
  try {
    loadConfigText(text, '/etc/fedbroker/broker.yaml', {});
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('YAML syntax errors', () => {
  it('a bad indentation: line, column and a code frame, once', () => {
    const e = errorOf('account:\n  id: "123456789012"\nserver:\n  port: 8080\n   host: x\nroles: [\n');
    expect(e.message).toBe(
      [
        'Invalid configuration in /etc/fedbroker/broker.yaml:',
        '  YAML syntax error at line 4, column 9: Nested mappings are not allowed in compact mappings',
        '',
        '  2 |   id: "123456789012"',
        '  3 | server:',
        '  4 |   port: 8080',
        '    |         ^',
        '',
      ].join('\n'),
    );
    expect(e.message).not.toContain('(root)');
    // Only the heading ends with a colon; the parser's "… at line 4, column 9:" does not dangle.
    expect(e.message.split('\n').slice(1).filter((l) => l.endsWith(':') && !l.includes(' | '))).toEqual([]);
  });

  it('a duplicate key points at the second one', () => {
    const e = errorOf('account:\n  id: "123456789012"\n  id: "210987654321"\n');
    expect(e.issues).toEqual([
      { path: '', message: 'YAML syntax error at line 3, column 3: Map keys must be unique', frame: '1 | account:\n2 |   id: "123456789012"\n3 |   id: "210987654321"\n  |   ^' },
    ]);
  });

  it('an unreadable file has no key path either, and no "(root):"', () => {
    expect(() => loadConfigText('account: [', '/x.yaml', {})).toThrow(/^Invalid configuration in \/x\.yaml:\n {2}YAML syntax error at line 1/);
  });
});
