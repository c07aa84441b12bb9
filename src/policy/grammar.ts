/**
 * IAM's validation of a policy document: what it refuses, with IAM's message, in IAM's order — so a
 * document with several faults gets the message AWS gives. The rules and the recorded documents they
 * come from are in docs/decisions.md "Policy grammar"; test/policy/grammar.test.ts is the corpus.
 *
 *   1. syntax            "Syntax errors in policy."   (shapes, element names, types, unknown operators)
 *   2. legacy parsing    "The policy failed legacy parsing"   (Effect's case, Date values, some ARNs)
 *   3. statement ids     "Statement IDs (SID) …"
 *   4. actions present   "Policy statement must contain actions."
 *   5. resource ARNs     `Resource x must be in ARN format or "*".`, `Partition "p" is not valid …`, …
 *   6. action names      "Actions/Conditions must be prefaced by a vendor, …", "Vendor x is not valid", …
 *   7. where it is used  identity-like: no Principal, resources present; trust: Principal, no Resource
 *
 * What IAM accepts but can never match (an operator block without keys, a key without values, a value
 * that is not of its operator's type) is left to the compiler, which makes such a condition void.
 */
import { parseOperator } from './conditions/operators.js';
import { legacyDateAccepted } from './conditions/legacyDate.js';
import { GrammarError } from './errors.js';
import { childPath, isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './json.js';
import type { PolicyKind } from './types.js';

export const SYNTAX = 'Syntax errors in policy.';
export const LEGACY = 'The policy failed legacy parsing';

export interface ValidatedStatement {
  readonly value: JsonObject;
  readonly path: string;
  readonly index: number;
}

export interface ValidatedPolicy {
  readonly version: '2012-10-17' | '2008-10-17';
  readonly id: string | undefined;
  readonly statements: readonly ValidatedStatement[];
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const SID = /^[0-9A-Za-z]*$/;
const VENDOR = /^[A-Za-z0-9.-]*$/;
/** Partitions a Resource may name (`*` too: IAM accepts it). */
const PARTITIONS = new Set(['*', 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
const IAM_PATHS = ['user/', 'federated-user/', 'role/', 'group/', 'instance-profile/', 'mfa/', 'server-certificate/', 'policy/', 'sms-mfa/', 'saml-provider/', 'oidc-provider/', 'report/', 'access-report/'];
/** S3 resources that do carry a region. */
const S3_REGIONAL = ['accesspoint/', 'job/', 'storage-lens/', 'storage-lens-group/', 'access-grants/', 'async-request/'];

const syntax = (path: string, detail: string) => new GrammarError(SYNTAX, path, detail);

export function validatePolicy(tree: JsonValue, kind: PolicyKind): ValidatedPolicy {
  const policy = checkSyntax(tree);
  const statements = policy.statements;
  for (const s of statements) checkLegacyStatement(s);
  const resourceError = checkResourceArns(statements);
  checkSids(statements);
  for (const s of statements) checkActionsPresent(s);
  if (resourceError !== undefined) throw resourceError;
  for (const s of statements) checkActionNames(s);
  for (const s of statements) checkKind(s, kind);
  return policy;
}

// ---- 1. syntax --------------------------------------------------------------------------------------

function shown(value: JsonValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : 'a non-string value';
}

function checkSyntax(tree: JsonValue): ValidatedPolicy {
  if (!isJsonObject(tree)) throw syntax('', 'A policy must be a JSON object.');
  for (const key of tree.keys()) {
    if (!TOP_LEVEL.has(key)) throw syntax(childPath('', key), `Unknown field ${key}: a policy has Version, Id and Statement.`);
  }
  const version = tree.get('Version');
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw syntax('Version', `Version must be "2012-10-17" or "2008-10-17", not ${shown(version)}.`);
  }
  const id = tree.get('Id');
  if (id !== undefined && typeof id !== 'string') throw syntax('Id', 'Id must be a string.');
  const element = tree.get('Statement');
  if (element === undefined) throw syntax('', 'Missing required field Statement.');
  let list: readonly JsonValue[];
  let paths: string[];
  if (isJsonObject(element)) {
    list = [element];
    paths = ['Statement'];
  } else if (Array.isArray(element)) {
    list = element as readonly JsonValue[];
    paths = list.map((_, i) => childPath('Statement', i));
    if (list.length === 0) throw syntax('Statement', 'The policy must contain at least one statement.');
  } else throw syntax('Statement', 'Statement must be an object or an array of objects.');
  const statements = list.map((value, index): ValidatedStatement => {
    const path = paths[index]!;
    if (!isJsonObject(value)) throw syntax(path, 'Each statement must be a JSON object.');
    checkStatementSyntax(value, path);
    return { value, path, index };
  });
  return { version: version ?? '2008-10-17', id, statements };
}

function checkStatementSyntax(statement: JsonObject, path: string): void {
  for (const key of statement.keys()) {
    if (!FIELDS.has(key)) throw syntax(childPath(path, key), `Unknown field ${key}.`);
  }
  for (const [a, b] of [['Action', 'NotAction'], ['Resource', 'NotResource'], ['Principal', 'NotPrincipal']] as const) {
    if (statement.has(a) && statement.has(b)) throw syntax(path, `A statement cannot have both ${a} and ${b}.`);
  }
  const effect = statement.get('Effect');
  if (effect === undefined) throw syntax(path, 'Missing required field Effect.');
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) {
    throw syntax(childPath(path, 'Effect'), `Effect must be "Allow" or "Deny", not ${shown(effect)}.`);
  }
  for (const element of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    const value = statement.get(element);
    if (value === undefined || typeof value === 'string') continue;
    if (!Array.isArray(value)) throw syntax(childPath(path, element), `${element} must be a string or an array of strings.`);
    (value as readonly JsonValue[]).forEach((item, i) => {
      if (typeof item !== 'string') throw syntax(childPath(childPath(path, element), i), `${element} must be a string or an array of strings.`);
    });
  }
  const sid = statement.get('Sid');
  if (sid !== undefined && typeof sid !== 'string') throw syntax(childPath(path, 'Sid'), 'Sid must be a string.');
  const condition = statement.get('Condition');
  if (condition !== undefined) checkConditionSyntax(condition, childPath(path, 'Condition'));
}

function isScalar(value: JsonValue): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || value instanceof JsonNumber;
}

function checkConditionSyntax(condition: JsonValue, path: string): void {
  if (!isJsonObject(condition)) throw syntax(path, 'Condition must be an object of condition operators.');
  for (const [name, block] of condition) {
    const operatorPath = childPath(path, name);
    if (!isJsonObject(block)) throw syntax(operatorPath, `Condition operator ${name} must map condition keys to values.`);
    for (const [key, values] of block) {
      const valuePath = childPath(operatorPath, key);
      if (isScalar(values)) continue;
      if (!Array.isArray(values)) throw syntax(valuePath, 'Condition values must be strings, numbers or booleans.');
      (values as readonly JsonValue[]).forEach((v, i) => {
        if (!isScalar(v)) throw syntax(childPath(valuePath, i), 'Condition values must be strings, numbers or booleans.');
      });
    }
    // An operator IAM does not know is accepted only with nothing in it (and then never matches).
    const operator = parseOperator(name);
    if (typeof operator === 'string' && block.size > 0) throw syntax(operatorPath, `${operator}.`);
  }
}

// ---- 2. legacy parsing ----------------------------------------------------------------------------

function checkLegacyStatement({ value, path }: ValidatedStatement): void {
  const effect = value.get('Effect') as string;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new GrammarError(LEGACY, childPath(path, 'Effect'), `Effect must be written "Allow" or "Deny" (with that case), not ${JSON.stringify(effect)}.`);
  }
  const condition = value.get('Condition') as JsonObject | undefined;
  for (const [name, block] of condition ?? []) {
    const operator = parseOperator(name);
    if (typeof operator === 'string' || operator.family !== 'Date') continue;
    for (const [key, values] of block as JsonObject) {
      for (const v of Array.isArray(values) ? (values as readonly JsonValue[]) : [values]) {
        const text = v instanceof JsonNumber ? v.text : String(v);
        if (!legacyDateAccepted(text)) {
          throw new GrammarError(LEGACY, childPath(childPath(childPath(path, 'Condition'), name), key), `${JSON.stringify(text)} is not a date or epoch time IAM can read.`);
        }
      }
    }
  }
}

function strings(value: JsonValue | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : (value as readonly string[]);
}

/**
 * Resource and NotResource ARNs. A malformed ARN is reported after the statement ids and actions
 * (step 5); an ARN of the old forms IAM cannot parse at all fails legacy parsing at once — unless an
 * earlier statement already had a malformed ARN.
 */
function checkResourceArns(statements: readonly ValidatedStatement[]): GrammarError | undefined {
  let first: GrammarError | undefined;
  for (const { value, path } of statements) {
    for (const element of ['Resource', 'NotResource']) {
      const values = strings(value.get(element));
      values.forEach((resource, i) => {
        const message = resourceFormatError(withoutVariables(resource));
        if (message !== undefined) first ??= new GrammarError(message, Array.isArray(value.get(element)) ? childPath(childPath(path, element), i) : childPath(path, element));
      });
      if (first !== undefined) continue;
      for (const resource of values) {
        if (!legacyResourceAccepted(withoutVariables(resource))) {
          throw new GrammarError(LEGACY, childPath(path, element), `${JSON.stringify(resource)} is not an ARN IAM can read.`);
        }
      }
    }
  }
  return first;
}

/** ARNs are checked with each `${…}` as one opaque character: a variable's own colon splits nothing. */
function withoutVariables(resource: string): string {
  return resource.replace(/\$\{[^}]*\}/g, 'v');
}

/** Old-form ARNs: `::` before the fifth colon, or an empty service. */
function legacyResourceAccepted(resource: string): boolean {
  if (resource === '*') return true;
  const parts = resource.split(':');
  return (parts.length > 5 || !resource.includes('::')) && parts[2] !== '';
}

/** AWS's message for a Resource that is not an ARN it accepts, or undefined. */
export function resourceFormatError(resource: string): string | undefined {
  if (resource === '*') return undefined;
  const firstColon = resource.indexOf(':');
  if (firstColon < 0) return `Resource ${resource} must be in ARN format or "*".`;
  const afterPrefix = resource.slice(firstColon + 1);
  const secondColon = afterPrefix.indexOf(':');
  const partition = secondColon < 0 ? afterPrefix : afterPrefix.slice(0, secondColon);
  const rest = secondColon < 0 ? '' : afterPrefix.slice(secondColon + 1);
  if (!PARTITIONS.has(partition)) {
    // IAM names the resource as it read it: `arn:` + partition + four more fields, `*` where missing.
    const fields = rest.split(':');
    const field = (i: number) => (i < fields.length && (i > 0 || fields[0] !== '' || fields.length > 1) ? fields[i] : '*');
    const last = fields.length > 3 ? fields.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${field(0)}:${field(1)}:${field(2)}:${last}".`;
  }
  if (secondColon < 0) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const serviceColon = rest.indexOf(':');
  const service = serviceColon < 0 ? rest : rest.slice(0, serviceColon);
  const afterService = serviceColon < 0 ? '' : rest.slice(serviceColon + 1);
  const regionColon = afterService.indexOf(':');
  const region = regionColon < 0 ? afterService : afterService.slice(0, regionColon);
  const afterRegion = regionColon < 0 ? '' : afterService.slice(regionColon + 1);
  const accountColon = afterRegion.indexOf(':');
  const resourcePart = accountColon < 0 ? '' : afterRegion.slice(accountColon + 1);
  if (service === 'iam' && (serviceColon < 0 || region !== '')) return `IAM resource ${resource} cannot contain region information.`;
  if (service === 's3' && (serviceColon < 0 || region !== '') && !S3_REGIONAL.some((p) => resourcePart.startsWith(p))) {
    return `Resource ${resource} can not contain region information.`;
  }
  if (service === 'iam' && resourcePart !== '*' && resourcePart !== 'root' && !IAM_PATHS.some((p) => resourcePart.startsWith(p))) {
    return `IAM resource path must either be "*", root, or start with ${IAM_PATHS.join(', ')}.`;
  }
  return undefined;
}

// ---- 3. statement ids --------------------------------------------------------------------------------

/** Sids: IAM's characters (G18823) and unique within the policy (G17114); "" may repeat. */
function checkSids(statements: readonly ValidatedStatement[]): void {
  const seen = new Set<string>();
  for (const { value, path } of statements) {
    const sid = value.get('Sid') as string | undefined;
    if (sid === undefined || sid === '') continue;
    if (!SID.test(sid)) {
      throw new GrammarError('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*', childPath(path, 'Sid'));
    }
    if (seen.has(sid)) throw new GrammarError('Statement IDs (SID) in a single policy must be unique.', childPath(path, 'Sid'));
    seen.add(sid);
  }
}

// ---- 4 and 6. actions -------------------------------------------------------------------------------

function checkActionsPresent({ value, path }: ValidatedStatement): void {
  const actions = value.get('Action') ?? value.get('NotAction');
  if (actions === undefined || (Array.isArray(actions) && actions.length === 0)) throw new GrammarError('Policy statement must contain actions.', path);
}

/** `vendor:name`: one colon, a vendor of letters, digits, `-` and `.` (or `*`); `*` alone is every action. */
function checkActionNames({ value, path }: ValidatedStatement): void {
  const element = value.has('Action') ? 'Action' : 'NotAction';
  const raw = value.get(element)!;
  strings(raw).forEach((action, i) => {
    const at = Array.isArray(raw) ? childPath(childPath(path, element), i) : childPath(path, element);
    const parts = action.split(':');
    if (parts.length === 1 && action !== '*') throw new GrammarError('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.', at);
    if (parts.length > 2) throw new GrammarError('Actions/Condition can contain only one colon.', at);
    const vendor = parts[0]!;
    if (vendor !== '*' && !VENDOR.test(vendor)) throw new GrammarError(`Vendor ${vendor} is not valid`, at);
  });
}

// ---- 7. where the policy is used -------------------------------------------------------------------

/**
 * | kind                          | Principal / NotPrincipal   | Resource / NotResource |
 * |-------------------------------|----------------------------|------------------------|
 * | identity, session, boundary   | forbidden                  | required               |
 * | trust                         | Principal required         | forbidden              |
 * | resource                      | one of them required       | required               |
 *
 * NotPrincipal is refused in trust policies (as IAM does): "everyone except" is no way to say who may
 * take a role.
 */
function checkKind({ value, path }: ValidatedStatement, kind: PolicyKind): void {
  const principal = value.has('Principal') ? 'Principal' : value.has('NotPrincipal') ? 'NotPrincipal' : undefined;
  if (kind === 'trust') {
    if (principal === 'NotPrincipal') throw new GrammarError('Has prohibited field NotPrincipal', childPath(path, 'NotPrincipal'));
    if (principal === undefined) throw new GrammarError('Missing required field Principal', path);
    for (const element of ['Resource', 'NotResource']) {
      if (value.has(element)) throw new GrammarError(`Has prohibited field ${element}`, childPath(path, element));
    }
    return;
  }
  if (kind === 'resource') {
    if (principal === undefined) throw new GrammarError('Missing required field Principal', path);
  } else if (principal !== undefined) {
    throw new GrammarError('Policy document should not specify a principal.', childPath(path, principal));
  }
  const resources = value.get('Resource') ?? value.get('NotResource');
  if (resources === undefined || (Array.isArray(resources) && resources.length === 0)) throw new GrammarError('Policy statement must contain resources.', path);
}
