/**
 * Parameter schemas for Query-protocol actions, with AWS's own validation messages:
 * `1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: …`.
 * Actions declare their parameters once; the handler receives typed values.
 */
import { MissingParameter, ValidationError } from '../errors.js';
import { SOURCE_IDENTITY_CHARS, SOURCE_IDENTITY_CHARS_TEXT, SOURCE_IDENTITY_MAX, SOURCE_IDENTITY_MIN } from '../credentials/sourceIdentity.js';
import { MAX_SESSION_TAGS, MAX_TRANSITIVE_TAG_KEYS, TAG_KEY_SPEC, TAG_VALUE_SPEC } from '../credentials/tagLimits.js';
import type { SessionTag } from '../credentials/types.js';

interface Common {
  readonly required?: boolean;
  /** Never echo the value in an error message (tokens, assertions, codes). */
  readonly sensitive?: boolean;
}

export interface StringParam extends Common {
  readonly type: 'string';
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** The pattern as AWS prints it in messages. */
  readonly patternText?: string;
}

export interface IntegerParam extends Common {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
}

/** `Name.member.N` (or `Name.member.N.field`) lists, N from 1. */
export interface ListParam extends Common {
  readonly type: 'list';
  /** Field inside each member (`arn` for PolicyArns.member.N.arn); absent for plain lists. */
  readonly field?: string;
  readonly maxItems: number;
  readonly item: Omit<StringParam, 'type' | 'required'>;
}

/** `Name.member.N.Key` / `Name.member.N.Value` pairs (session tags), N from 1. */
export interface TagListParam extends Common {
  readonly type: 'tags';
  readonly maxItems: number;
}

export type ParamSpec = StringParam | IntegerParam | ListParam | TagListParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type ValueOf<P extends ParamSpec> = P extends TagListParam
  ? SessionTag[]
  : P extends ListParam
  ? string[]
  : P extends IntegerParam
    ? P extends { required: true }
      ? number
      : number | undefined
    : P extends { required: true }
      ? string
      : string | undefined;

export type ParamValues<S extends ParamSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** AWS's member name in messages: the parameter with a lower-case first letter. */
const memberName = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function quote(value: string, spec: Common): string {
  return spec.sensitive ? '' : `'${value.length > 256 ? `${value.slice(0, 256)}…` : value}' `;
}

/** Appends AWS's model-validation problem for `value` at member `name`, if any. */
export function checkString(name: string, value: string, spec: Omit<StringParam, 'type'>, problems: string[]): void {
  const at = `Value ${quote(value, spec)}at '${name}' failed to satisfy constraint: Member must`;
  if (spec.min !== undefined && value.length < spec.min) problems.push(`${at} have length greater than or equal to ${spec.min}`);
  else if (spec.max !== undefined && value.length > spec.max) problems.push(`${at} have length less than or equal to ${spec.max}`);
  else if (spec.pattern !== undefined && !spec.pattern.test(value)) {
    problems.push(`${at} satisfy regular expression pattern: ${spec.patternText ?? spec.pattern.source}`);
  }
}

export function readParams<S extends ParamSpecs>(params: URLSearchParams, specs: S): ParamValues<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const member = memberName(name);
    if (spec.type === 'list') {
      out[name] = readList(params, name, member, spec, problems);
      continue;
    }
    if (spec.type === 'tags') {
      out[name] = readTags(params, name, member, spec, problems);
      continue;
    }
    const raw = params.get(name);
    if (raw === null || raw === '') {
      if (spec.required) throw new MissingParameter(`The request must contain the parameter ${name}`);
      out[name] = undefined;
      continue;
    }
    if (spec.type === 'string') {
      checkString(member, raw, spec, problems);
      out[name] = raw;
    } else {
      if (!/^-?\d{1,15}$/.test(raw)) {
        problems.push(`Value ${quote(raw, spec)}at '${member}' failed to satisfy constraint: Member must be a whole number`);
        continue;
      }
      const n = Number(raw);
      const at = `Value '${raw}' at '${member}' failed to satisfy constraint: Member must have value`;
      if (spec.min !== undefined && n < spec.min) problems.push(`${at} greater than or equal to ${spec.min}`);
      else if (spec.max !== undefined && n > spec.max) problems.push(`${at} less than or equal to ${spec.max}`);
      out[name] = n;
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(`${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
  }
  return out as ParamValues<S>;
}

function readList(params: URLSearchParams, name: string, member: string, spec: ListParam, problems: string[]): string[] {
  const prefix = `${name}.member.`;
  const suffix = spec.field ? `.${spec.field}` : '';
  const byIndex = new Map<number, string>();
  for (const [key, value] of params) {
    if (!key.startsWith(prefix) || !key.endsWith(suffix)) continue;
    const index = key.slice(prefix.length, key.length - suffix.length);
    if (!/^[1-9]\d{0,3}$/.test(index)) continue;
    byIndex.set(Number(index), value);
  }
  const values = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  if (values.length > spec.maxItems) {
    problems.push(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${spec.maxItems}`);
    return [];
  }
  values.forEach((v, i) => checkString(`${member}.${i + 1}.member${spec.field ? `.${spec.field}` : ''}`, v, spec.item, problems));
  return values;
}

function readTags(params: URLSearchParams, name: string, member: string, spec: TagListParam, problems: string[]): SessionTag[] {
  const prefix = `${name}.member.`;
  const byIndex = new Map<number, { key?: string; value?: string }>();
  for (const [k, v] of params) {
    if (!k.startsWith(prefix)) continue;
    const m = /^([1-9]\d{0,3})\.(Key|Value)$/.exec(k.slice(prefix.length));
    if (m === null) continue;
    const entry = byIndex.get(Number(m[1])) ?? {};
    if (m[2] === 'Key') entry.key = v;
    else entry.value = v;
    byIndex.set(Number(m[1]), entry);
  }
  const entries = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
  if (entries.length > spec.maxItems) {
    problems.push(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${spec.maxItems}`);
    return [];
  }
  const tags: SessionTag[] = [];
  entries.forEach((e, i) => {
    const at = `${member}.${i + 1}.member`;
    if (e.key === undefined) problems.push(`Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    else checkString(`${at}.key`, e.key, TAG_KEY_SPEC, problems);
    if (e.value === undefined) problems.push(`Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
    else checkString(`${at}.value`, e.value, TAG_VALUE_SPEC, problems);
    if (e.key !== undefined && e.value !== undefined) tags.push({ key: e.key, value: e.value });
  });
  return tags;
}

// ---- shared constraints (aws-reference.md §1.2) ------------------------------------------------
/* eslint-disable no-control-regex -- AWS's patterns name tab, LF and CR explicitly */

export const ARN_PARAM = { type: 'string', min: 20, max: 2048, pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD]+$/u, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+' } as const;
export const ROLE_SESSION_NAME_PARAM = { type: 'string', min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*' } as const;
export const SOURCE_IDENTITY_PARAM = {
  type: 'string',
  min: SOURCE_IDENTITY_MIN,
  max: SOURCE_IDENTITY_MAX,
  pattern: SOURCE_IDENTITY_CHARS,
  patternText: SOURCE_IDENTITY_CHARS_TEXT,
} as const;
export const SESSION_POLICY_PARAM = { type: 'string', min: 1, max: 2048, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' } as const;
export const POLICY_ARNS_PARAM = { type: 'list', field: 'arn', maxItems: 10, item: { min: 20, max: 2048 } } as const;
export const SERIAL_NUMBER_PARAM = { type: 'string', min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/, patternText: '[\\w+=/:,.@-]*' } as const;
export const TOKEN_CODE_PARAM = { type: 'string', min: 6, max: 6, pattern: /^\d+$/, patternText: '[\\d]*', sensitive: true } as const;
export const EXTERNAL_ID_PARAM = { type: 'string', min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*' } as const;
/* eslint-enable no-control-regex */

/** Session tags (AssumeRole, GetFederationToken) and AssumeRole's transitive keys. */
export const TAGS_PARAM = { type: 'tags', maxItems: MAX_SESSION_TAGS } as const;
export const TRANSITIVE_TAG_KEYS_PARAM = { type: 'list', maxItems: MAX_TRANSITIVE_TAG_KEYS, item: TAG_KEY_SPEC } as const;

/** What every AssumeRole* action takes: the role, the session's duration, session policies and MFA. */
export const ASSUME_ROLE_PARAMS = {
  RoleArn: { ...ARN_PARAM, required: true },
  DurationSeconds: { type: 'integer', min: 900, max: 43200 },
  Policy: SESSION_POLICY_PARAM,
  PolicyArns: POLICY_ARNS_PARAM,
  SerialNumber: SERIAL_NUMBER_PARAM,
  TokenCode: TOKEN_CODE_PARAM,
} as const;
