import { describe, expect, it } from 'vitest';
import { InvalidParameterValue, ValidationError } from '../../../src/errors.js';
import { chainSessionTags, checkTagModel, checkTagSet, DUPLICATE_TAG_KEYS, requestedSessionTags, TRANSITIVE_KEY_CONFLICT, TRANSITIVE_KEY_NOT_A_TAG } from '../../../src/sessions/tags/index.js';
import { QUERY_TAG_NAMING, SAML_TAG_NAMING } from '../../../src/sessions/tags/sources.js';

const tag = (key: string, value = 'v') => ({ key, value });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('checkTagModel: AWS model limits with AWS messages', () => {
  it('accepts 50 tags, 128-character keys, 256-character values, letters of any script, spaces and _.:/=+-@', () => {
    const tags = Array.from({ length: 50 }, (_, i) => tag(`k${i}`));
    expect(() => checkTagModel(tags, [], QUERY_TAG_NAMING)).not.toThrow();
    expect(() => checkTagModel([tag('k'.repeat(128), 'v'.repeat(256)), tag('Abteilung Ü_.:/=+-@9', 'Forschung & Entwicklung'.replace('&', '+'))], [], QUERY_TAG_NAMING)).not.toThrow();
    expect(() => checkTagModel([tag('empty', '')], [], QUERY_TAG_NAMING)).not.toThrow();
  });

  it('51 tags → ValidationError on the list', () => {
    const e = thrown(() => checkTagModel(Array.from({ length: 51 }, (_, i) => tag(`k${i}`)), [], QUERY_TAG_NAMING));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
  });

  it('a 129-character key, a bad character, a 257-character value → ValidationError naming each', () => {
    const long = 'k'.repeat(129);
    expect(thrown(() => checkTagModel([tag(long)], [], QUERY_TAG_NAMING)).message).toBe(
      `1 validation error detected: Value '${long}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    expect(thrown(() => checkTagModel([tag('a,b')], [], QUERY_TAG_NAMING)).message).toBe(
      "1 validation error detected: Value 'a,b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
    );
    const e = thrown(() => checkTagModel([tag('ok', 'v'.repeat(257)), tag('Dept', 'a;b')], [], SAML_TAG_NAMING));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toMatch(/^2 validation errors detected: .*PrincipalTag:ok' failed to satisfy constraint: Member must have length less than or equal to 256; .*PrincipalTag:Dept' failed .* pattern/);
  });

  it('51 transitive keys → ValidationError', () => {
    expect(thrown(() => checkTagModel([], Array.from({ length: 51 }, (_, i) => `k${i}`), QUERY_TAG_NAMING)).message).toContain("at 'transitiveTagKeys' failed");
  });
});

describe('checkTagSet: keys unique ignoring case, transitive keys among the tags', () => {
  it('keys differing only in case → InvalidParameterValue with AWS message', () => {
    const e = thrown(() => checkTagSet([tag('Department'), tag('department')], []));
    expect(e).toBeInstanceOf(InvalidParameterValue);
    expect(e.message).toBe(DUPLICATE_TAG_KEYS);
  });

  it('a transitive key that is not a tag → InvalidParameterValue', () => {
    const e = thrown(() => checkTagSet([tag('Department')], ['Team']));
    expect(e).toBeInstanceOf(InvalidParameterValue);
    expect(e.message).toBe(TRANSITIVE_KEY_NOT_A_TAG);
  });

  it('transitive keys match ignoring case and take the tag spelling, once', () => {
    expect(checkTagSet([tag('Department')], ['department', 'DEPARTMENT']).transitiveTagKeys).toEqual(['Department']);
  });

  it('no tags, no transitive keys → no tags at all', () => {
    expect(requestedSessionTags([], [])).toBeUndefined();
    expect(() => requestedSessionTags([], ['Team'])).toThrow(TRANSITIVE_KEY_NOT_A_TAG);
  });
});

describe('chainSessionTags', () => {
  const calling = { tags: [tag('Department', 'eng'), tag('Project', 'x'), tag('CostCenter', '42')], transitiveTagKeys: ['Department', 'CostCenter'] };

  it('transitive tags pass (and stay transitive), the others are dropped', () => {
    const chained = chainSessionTags(calling, undefined);
    expect(chained.tags).toEqual({ tags: [tag('Department', 'eng'), tag('CostCenter', '42')], transitiveTagKeys: ['Department', 'CostCenter'] });
    expect(chained.incoming).toEqual([tag('Department', 'eng'), tag('CostCenter', '42')]);
  });

  it('requested tags come after the incoming ones; a non-transitive key of the caller may be set again', () => {
    const chained = chainSessionTags(calling, { tags: [tag('Project', 'y')], transitiveTagKeys: ['Project'] });
    expect(chained.tags).toEqual({ tags: [tag('Department', 'eng'), tag('CostCenter', '42'), tag('Project', 'y')], transitiveTagKeys: ['Department', 'CostCenter', 'Project'] });
  });

  it('a requested tag or transitive key naming an incoming transitive key (any case) → InvalidParameterValue', () => {
    for (const requested of [
      { tags: [tag('department', 'sales')], transitiveTagKeys: [] },
      { tags: [tag('Team')], transitiveTagKeys: ['Team', 'COSTCENTER'] },
    ]) {
      const e = thrown(() => chainSessionTags(calling, requested));
      expect(e).toBeInstanceOf(InvalidParameterValue);
      expect(e.message).toBe(TRANSITIVE_KEY_CONFLICT);
    }
  });

  it('a calling session without transitive tags passes nothing', () => {
    expect(chainSessionTags({ tags: [tag('a')], transitiveTagKeys: [] }, undefined)).toEqual({ tags: undefined, incoming: [] });
  });
});
