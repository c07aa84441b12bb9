/**
 * readAttributes / readAuthnStatement / readAwsAttributes: what the signed Assertion says about the
 * user. Only direct children are read (Assertion > AttributeStatement > Attribute > AttributeValue),
 * from the signed node alone.
 */
import { parseRoleArn, parseSamlProviderArn } from '../../../credentials/arns.js';
import { isValidSourceIdentity } from '../../../credentials/sourceIdentity.js';
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, attr, childElements } from '../xml.js';
import { parseDateTime } from './times.js';

export const AWS_ATTRIBUTE = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  sessionDuration: 'https://aws.amazon.com/SAML/Attributes/SessionDuration',
  sourceIdentity: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
} as const;

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** Attribute Name → values, in document order; repeated Attribute elements with one Name are merged. */
export function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, NS.saml, 'AttributeStatement')) {
    for (const attribute of childElements(statement, NS.saml, 'Attribute')) {
      const name = attr(attribute, 'Name');
      if (!name) continue;
      const values = attributes.get(name) ?? [];
      for (const value of childElements(attribute, NS.saml, 'AttributeValue')) {
        if (value.getAttributeNS(XSI, 'nil') === 'true') continue;
        values.push(value.textContent ?? '');
      }
      attributes.set(name, values);
    }
  }
  return attributes;
}

export interface AuthnInfo {
  /** Every AuthnContextClassRef of every AuthnStatement. */
  readonly classRefs: readonly string[];
  /** Earliest AuthnInstant, epoch seconds. */
  readonly authenticatedAt?: number;
  /** Earliest SessionNotOnOrAfter, epoch ms. */
  readonly sessionNotOnOrAfter?: number;
}

export function readAuthnStatement(assertion: Element): AuthnInfo {
  const classRefs: string[] = [];
  let authenticatedAt: number | undefined;
  let sessionNotOnOrAfter: number | undefined;
  for (const statement of childElements(assertion, NS.saml, 'AuthnStatement')) {
    const instant = parseTime(attr(statement, 'AuthnInstant'), 'AuthnInstant');
    if (instant !== undefined) authenticatedAt = Math.min(authenticatedAt ?? Infinity, Math.floor(instant / 1000));
    const sessionEnd = parseTime(attr(statement, 'SessionNotOnOrAfter'), 'SessionNotOnOrAfter');
    if (sessionEnd !== undefined) sessionNotOnOrAfter = Math.min(sessionNotOnOrAfter ?? Infinity, sessionEnd);
    for (const context of childElements(statement, NS.saml, 'AuthnContext')) {
      for (const ref of childElements(context, NS.saml, 'AuthnContextClassRef')) classRefs.push((ref.textContent ?? '').trim());
    }
  }
  return {
    classRefs,
    ...(authenticatedAt !== undefined ? { authenticatedAt } : {}),
    ...(sessionNotOnOrAfter !== undefined ? { sessionNotOnOrAfter } : {}),
  };
}

function parseTime(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDateTime(text);
  if (ms === undefined) throw new IDPRejectedClaim(`SAML response rejected: ${what} is not a valid UTC date-time`);
  return ms;
}

/** MFA at the IdP: there is an AuthnContextClassRef and every one of them is in the provider's list. */
export function isMfaAtIdp(classRefs: readonly string[], mfaAuthnContexts: readonly string[]): boolean {
  return classRefs.length > 0 && classRefs.every((ref) => mfaAuthnContexts.includes(ref));
}

export interface RolePair {
  readonly roleArn: string;
  readonly providerArn: string;
}

export interface AwsAttributes {
  readonly roleAttribute: RolePair[];
  /** Role attribute values that are not a role ARN + provider ARN pair (reported, not thrown). */
  readonly malformedRoleValues: string[];
  readonly roleSessionName?: string;
  readonly sessionDuration?: number;
  readonly sourceIdentity?: string;
}

const isRoleArn = (text: string): boolean => parseRoleArn(text) !== null;
/** Provider names allow no comma, which makes splitting a value unambiguous. */
const isProviderArn = (text: string): boolean => parseSamlProviderArn(text) !== null;

/** One Role value: `role-arn,provider-arn` or `provider-arn,role-arn`, white space around each ignored. */
export function parseRoleValue(value: string): RolePair | undefined {
  const first = value.indexOf(',');
  const last = value.lastIndexOf(',');
  if (first < 0) return undefined;
  // provider first: the provider ARN ends at the first comma
  const providerFirst = [value.slice(0, first).trim(), value.slice(first + 1).trim()] as const;
  if (isProviderArn(providerFirst[0]) && isRoleArn(providerFirst[1])) return { roleArn: providerFirst[1], providerArn: providerFirst[0] };
  // role first: role names may contain commas, the provider ARN starts after the last one
  const roleFirst = [value.slice(0, last).trim(), value.slice(last + 1).trim()] as const;
  if (isRoleArn(roleFirst[0]) && isProviderArn(roleFirst[1])) return { roleArn: roleFirst[0], providerArn: roleFirst[1] };
  return undefined;
}

export function readAwsAttributes(attributes: ReadonlyMap<string, readonly string[]>): AwsAttributes {
  const roleAttribute: RolePair[] = [];
  const malformedRoleValues: string[] = [];
  for (const value of attributes.get(AWS_ATTRIBUTE.role) ?? []) {
    const pair = parseRoleValue(value);
    if (pair) roleAttribute.push(pair);
    else malformedRoleValues.push(value);
  }
  const roleSessionName = single(attributes, AWS_ATTRIBUTE.roleSessionName, 'RoleSessionName');
  const sourceIdentity = single(attributes, AWS_ATTRIBUTE.sourceIdentity, 'SourceIdentity');
  // The same constraint as the SourceIdentity parameter of AssumeRole (aws-reference §1.2).
  if (sourceIdentity !== undefined && !isValidSourceIdentity(sourceIdentity)) {
    throw new IDPRejectedClaim('SAML response rejected: the SourceIdentity attribute must match [\\w+=,.@-]{2,64}');
  }
  const durationText = single(attributes, AWS_ATTRIBUTE.sessionDuration, 'SessionDuration');
  let sessionDuration: number | undefined;
  if (durationText !== undefined) {
    if (!/^\d{1,9}$/.test(durationText.trim())) throw new IDPRejectedClaim('SAML response rejected: the SessionDuration attribute must be an integer number of seconds');
    sessionDuration = Number(durationText.trim());
  }
  return {
    roleAttribute,
    malformedRoleValues,
    ...(roleSessionName !== undefined ? { roleSessionName } : {}),
    ...(sessionDuration !== undefined ? { sessionDuration } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  };
}

/** The single value of an attribute; undefined when absent; several values are refused. */
function single(attributes: ReadonlyMap<string, readonly string[]>, name: string, what: string): string | undefined {
  const values = attributes.get(name);
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw new IDPRejectedClaim(`SAML response rejected: the ${what} attribute must have exactly one value`);
  return values[0];
}
