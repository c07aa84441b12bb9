/**
 * Which roles a validated SAML identity may take (semantics.md "Roles from attributes"):
 *
 * - With the `https://aws.amazon.com/SAML/Attributes/Role` attribute, the candidates are its
 *   role/provider pairs whose provider is the one that signed the assertion.
 * - Without it (beyond AWS), every role whose trust policy allows this provider is a candidate, so an
 *   IdP that only sends groups can be mapped by trust policies alone.
 *
 * Each candidate then needs its trust policy to allow sts:AssumeRoleWithSAML for this provider in this
 * assertion's context. Only roles that pass are ever offered or granted; the others are explained.
 */
import type { BrokerModel, RoleModel } from '../config/model.js';
import type { SessionTags } from '../credentials/types.js';
import type { ValidatedAssertion } from '../federation/saml/index.js';
import { summarizeStatements } from '../policy/index.js';
import type { ContextValue } from '../policy/types.js';
import { judgeRole, type RoleVerdict, type TrustIdentity } from './federatedTrust.js';

export const SAML_ACTION = 'sts:AssumeRoleWithSAML';

/** Why a Role attribute value offered nothing. */
export interface RefusedRoleValue {
  readonly value: string;
  readonly reason: string;
}

export interface SamlRoleMapping {
  /** Candidates with their verdicts, in attribute order (or configuration order). */
  readonly verdicts: readonly RoleVerdict[];
  readonly refusedValues: readonly RefusedRoleValue[];
  /** True when the assertion carried the AWS Role attribute. */
  readonly fromAttribute: boolean;
}

export function samlTrustIdentity(assertion: ValidatedAssertion): TrustIdentity {
  return {
    type: 'saml',
    providerArn: assertion.identity.providerArn,
    conditionKeys: assertion.identity.conditionKeys,
    ...(assertion.sourceIdentity !== undefined ? { sourceIdentity: assertion.sourceIdentity } : {}),
  };
}

/** The role ARNs the Role attribute offers for this signer (undefined: no Role attribute). */
export function offeredRoleArns(assertion: ValidatedAssertion): string[] | undefined {
  if (assertion.roleAttribute.length === 0 && assertion.malformedRoleValues.length === 0) return undefined;
  return assertion.roleAttribute.filter((p) => p.providerArn === assertion.identity.providerArn).map((p) => p.roleArn);
}

/** `tags`: the session tags the sign-in would carry (they need sts:TagSession and the roles' key guards). */
export function mapSamlRoles(model: BrokerModel, assertion: ValidatedAssertion, context: ReadonlyMap<string, ContextValue>, tags?: SessionTags): SamlRoleMapping {
  const providerArn = assertion.identity.providerArn;
  const refusedValues: RefusedRoleValue[] = assertion.malformedRoleValues.map((value) => ({ value, reason: 'not a role ARN and saml-provider ARN pair' }));
  const fromAttribute = assertion.roleAttribute.length > 0 || assertion.malformedRoleValues.length > 0;
  let candidates: RoleModel[];
  if (fromAttribute) {
    candidates = [];
    for (const pair of assertion.roleAttribute) {
      const value = `${pair.roleArn},${pair.providerArn}`;
      if (pair.providerArn !== providerArn) {
        refusedValues.push({ value, reason: `names provider ${pair.providerArn}, but the assertion was signed by ${providerArn}` });
        continue;
      }
      const role = model.roleByArn(pair.roleArn);
      if (role === undefined) {
        refusedValues.push({ value, reason: `no role ${pair.roleArn} in this account` });
        continue;
      }
      if (!candidates.includes(role)) candidates.push(role);
    }
  } else {
    candidates = [...model.roles.values()];
  }
  const identity: TrustIdentity = { ...samlTrustIdentity(assertion), ...(tags !== undefined ? { tags } : {}) };
  const verdicts = candidates.map((role) => judgeRole(role, identity, context));
  // Without the Role attribute, roles whose trust policy does not even mention this provider are not
  // candidates at all; keep only those that mention it (or that would allow it).
  const relevant = fromAttribute ? verdicts : verdicts.filter((v) => v.allowed || v.needsMfa || mentionsProvider(v, providerArn));
  return { verdicts: relevant, refusedValues, fromAttribute };
}

/** Does any statement of the role's trust policy name this provider (or everyone) as principal? */
function mentionsProvider(verdict: RoleVerdict, providerArn: string): boolean {
  return summarizeStatements(verdict.role.trustPolicy).some(
    (st) => st.principal === '*' || (st.principal?.Federated ?? []).includes(providerArn) || (st.notPrincipal && st.principal !== undefined),
  );
}

export const SESSION_NAME_REQUIRED = 'RoleSessionName is required in AuthnResponse';

/**
 * The session name: the RoleSessionName attribute, validated as AWS does. Without it, AWS's
 * "RoleSessionName is required in AuthnResponse" — unless `fromNameId` (the browser sign-in, or a
 * provider with `sessionNameFrom: nameId`): then the NameID made safe — characters outside
 * `[\w+=,.@-]` become `-`, cut to 64.
 */
export function samlSessionName(assertion: ValidatedAssertion, options: { fromNameId: boolean }): { name?: string; error?: string } {
  const raw = assertion.roleSessionName;
  if (raw !== undefined) {
    if (!/^[\w+=,.@-]{2,64}$/.test(raw)) return { error: 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}' };
    return { name: raw };
  }
  if (!options.fromNameId) return { error: SESSION_NAME_REQUIRED };
  let name = assertion.identity.subject.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  if (name.length < 2) name = name.padEnd(2, '-');
  return { name };
}
