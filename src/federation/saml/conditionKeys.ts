/**
 * SAML condition keys (semantics.md "Condition keys"; seed-digest §2.5–2.6): the keys a trust policy
 * can test, derived from a validated assertion. Keys are lower-case (condition keys are
 * case-insensitive). The attribute → key mapping is an explicit table, not a lower-casing rule,
 * because the guide has exceptions; `SAML_ATTRIBUTE_KEYS` is exported so docs can print it.
 */
import { createHash } from 'node:crypto';
import type { ContextValue } from '../../policy/types.js';

export interface SamlAttributeKey {
  /** The SAML Attribute `Name` exactly as sent (case-sensitive). */
  readonly attribute: string;
  /** Condition keys it fills (lower-case). */
  readonly keys: readonly string[];
  /** List of strings (test with ForAnyValue/ForAllValues) or a single string (first value). */
  readonly multiValued: boolean;
  /** Where the mapping comes from, for docs. */
  readonly source: 'eduPerson' | 'eduOrg' | 'Active Directory' | 'X.500' | 'X.500 (guide typo)' | 'X.500 urn:oid (beyond AWS)';
}

const edu = (oid: string, friendlyName: string, multiValued: boolean, source: 'eduPerson' | 'eduOrg', extraKeys: string[] = []): SamlAttributeKey => ({
  attribute: `urn:oid:${oid}`,
  keys: [`saml:${friendlyName.toLowerCase()}`, ...extraKeys],
  multiValued,
  source,
});
const single = (attribute: string, key: string, source: SamlAttributeKey['source']): SamlAttributeKey => ({ attribute, keys: [`saml:${key}`], multiValued: false, source });

const AD = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';

/**
 * The table, in priority order: when several attributes fill one single-valued key, the first one
 * present in this order wins ("only one claim will be mapped", G6430).
 */
export const SAML_ATTRIBUTE_KEYS: readonly SamlAttributeKey[] = [
  // eduPerson and eduOrg (G6436–G6453)
  edu('1.3.6.1.4.1.5923.1.1.1.1', 'eduPersonAffiliation', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.2', 'eduPersonNickname', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.3', 'eduPersonOrgDN', false, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.4', 'eduPersonOrgUnitDN', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.5', 'eduPersonPrimaryAffiliation', false, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.6', 'eduPersonPrincipalName', false, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.7', 'eduPersonEntitlement', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.8', 'eduPersonPrimaryOrgUnitDN', false, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.9', 'eduPersonScopedAffiliation', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.10', 'eduPersonTargetedID', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.1.1.11', 'eduPersonAssurance', true, 'eduPerson'),
  edu('1.3.6.1.4.1.5923.1.2.1.2', 'eduOrgHomePageURI', true, 'eduOrg'),
  // FriendlyName eduOrgIdentityAuthNPolicy (G6449), key listed as …policyuri (G19526): both.
  edu('1.3.6.1.4.1.5923.1.2.1.3', 'eduOrgIdentityAuthNPolicyURI', true, 'eduOrg', ['saml:eduorgidentityauthnpolicy']),
  edu('1.3.6.1.4.1.5923.1.2.1.4', 'eduOrgLegalName', true, 'eduOrg'),
  edu('1.3.6.1.4.1.5923.1.2.1.5', 'eduOrgSuperiorURI', true, 'eduOrg'),
  edu('1.3.6.1.4.1.5923.1.2.1.6', 'eduOrgWhitePagesURI', true, 'eduOrg'),
  edu('2.5.4.3', 'cn', true, 'eduOrg'),
  // Active Directory (G6455–G6463)
  single(`${AD}name`, 'name', 'Active Directory'),
  single('http://schemas.xmlsoap.org/claims/CommonName', 'commonname', 'Active Directory'),
  single(`${AD}givenname`, 'givenname', 'Active Directory'),
  single(`${AD}surname`, 'surname', 'Active Directory'),
  single(`${AD}emailaddress`, 'mail', 'Active Directory'),
  single('http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid', 'uid', 'Active Directory'),
  // X.500 as the guide prints them (G6465–G6476) and the real OIDs (seed-digest §10 #16)
  single('2.5.4.3', 'commonname', 'X.500'),
  single('2.5.4.4', 'surname', 'X.500'),
  single('2.5.4.42', 'givenname', 'X.500'),
  single('2.4.5.42', 'givenname', 'X.500 (guide typo)'),
  single('2.5.4.45', 'x500uniqueidentifier', 'X.500'),
  single('0.9.2342.19200300.100.1.1', 'uid', 'X.500'),
  single('0.9.2342.19200300100.1.1', 'uid', 'X.500 (guide typo)'),
  single('0.9.2342.19200300.100.1.3', 'mail', 'X.500'),
  single('0.9.2342.19200300100.1.3', 'mail', 'X.500 (guide typo)'),
  single('0.9.2342.19200300.100.1.45', 'organizationstatus', 'X.500'),
  single('0.9.2342.19200300100.1.45', 'organizationstatus', 'X.500 (guide typo)'),
  // The same X.500 attributes as most IdPs name them (urn:oid:…); urn:oid:2.5.4.3 is cn above.
  single('urn:oid:2.5.4.4', 'surname', 'X.500 urn:oid (beyond AWS)'),
  single('urn:oid:2.5.4.42', 'givenname', 'X.500 urn:oid (beyond AWS)'),
  single('urn:oid:2.5.4.45', 'x500uniqueidentifier', 'X.500 urn:oid (beyond AWS)'),
  single('urn:oid:0.9.2342.19200300.100.1.1', 'uid', 'X.500 urn:oid (beyond AWS)'),
  single('urn:oid:0.9.2342.19200300.100.1.3', 'mail', 'X.500 urn:oid (beyond AWS)'),
  single('urn:oid:0.9.2342.19200300.100.1.45', 'organizationstatus', 'X.500 urn:oid (beyond AWS)'),
];

/** The keys every validated assertion has, for docs. */
export const SAML_ASSERTION_KEYS: readonly { key: string; value: string }[] = [
  { key: 'saml:aud', value: 'SubjectConfirmationData Recipient (the ACS URL), not the Audience' },
  { key: 'saml:iss', value: 'Issuer' },
  { key: 'saml:sub', value: 'NameID text, byte for byte' },
  { key: 'saml:sub_type', value: 'persistent, transient, or the full NameID Format URI' },
  { key: 'saml:namequalifier', value: 'Base64(SHA1(Issuer + AccountId + "/" + ProviderName))' },
  { key: 'saml:doc', value: 'AccountId/ProviderName' },
  { key: 'saml:attr/<attribute name, lower-case>', value: 'every attribute, all values (list); beyond AWS' },
];

export const ATTRIBUTE_KEY_PREFIX = 'saml:attr/';

/**
 * saml:namequalifier = Base64(SHA1(issuer + account + "/" + providerName)) — no separator after the
 * issuer (G5909; TV-S7 positive, TV-S8 negative).
 */
export function computeNameQualifier(issuer: string, account: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${account}/${providerName}`, 'utf8').digest('base64');
}

export interface ConditionKeyInput {
  readonly issuer: string;
  readonly subject: string;
  readonly subjectType: string;
  /** SubjectConfirmationData Recipient. */
  readonly recipient: string;
  readonly account: string;
  readonly providerName: string;
  readonly attributes: ReadonlyMap<string, readonly string[]>;
}

export function buildConditionKeys(input: ConditionKeyInput): Record<string, ContextValue> {
  const keys: Record<string, ContextValue> = {};
  // Beyond AWS: every attribute, multi-valued. Names differing only in case share a key (merged).
  for (const [name, values] of input.attributes) {
    const key = `${ATTRIBUTE_KEY_PREFIX}${name.toLowerCase()}`;
    const previous = keys[key];
    keys[key] = previous === undefined ? [...values] : [...(previous as readonly string[]), ...values];
  }
  for (const mapping of SAML_ATTRIBUTE_KEYS) {
    const values = input.attributes.get(mapping.attribute);
    if (!values || values.length === 0) continue;
    for (const key of mapping.keys) {
      if (key in keys) continue; // an earlier table row already filled it
      keys[key] = mapping.multiValued ? [...values] : values[0]!;
    }
  }
  // Assertion keys last: nothing derived from attributes can replace them.
  keys['saml:aud'] = input.recipient;
  keys['saml:iss'] = input.issuer;
  keys['saml:sub'] = input.subject;
  keys['saml:sub_type'] = input.subjectType;
  keys['saml:namequalifier'] = computeNameQualifier(input.issuer, input.account, input.providerName);
  keys['saml:doc'] = `${input.account}/${input.providerName}`;
  return keys;
}
