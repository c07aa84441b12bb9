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
import type { SessionClaims } from '../credentials/types.js';
import type { ValidatedAssertion } from '../federation/saml/index.js';
import { createContext, evaluatePolicies, explainPolicies, summarizeStatements } from '../policy/index.js';
import type { AuthzRequest, ContextValue, PolicyExplanation } from '../policy/types.js';

export const SAML_ACTION = 'sts:AssumeRoleWithSAML';

export type RoleVerdict =
  | { readonly role: RoleModel; readonly allowed: true; readonly needsMfa: false }
  /** Denied now, but the trust policy would allow it with MFA (broker TOTP step-up). */
  | { readonly role: RoleModel; readonly allowed: false; readonly needsMfa: true; readonly explanation: PolicyExplanation[] }
  | { readonly role: RoleModel; readonly allowed: false; readonly needsMfa: false; readonly explanation: PolicyExplanation[] };

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

/** The condition context of an AssumeRoleWithSAML request for this assertion. */
export function samlTrustContext(
  assertion: ValidatedAssertion,
  base: Readonly<Record<string, ContextValue>>,
  mfa: SessionClaims['mfa'] | undefined,
  nowMs: number,
  sessionName: string,
): Map<string, ContextValue> {
  const ctx = createContext({
    ...base,
    ...assertion.identity.conditionKeys,
    'aws:principaltype': 'SAMLUser',
    'aws:federatedprovider': assertion.identity.providerArn,
    'aws:multifactorauthpresent': mfa ? 'true' : 'false',
    'aws:multifactorauthage': mfa ? String(Math.max(0, Math.floor(nowMs / 1000) - mfa.authenticatedAt)) : undefined,
    'sts:rolesessionname': sessionName,
    'aws:sourceidentity': assertion.sourceIdentity,
    'sts:sourceidentity': assertion.sourceIdentity,
  });
  return new Map(ctx);
}

export function trustRequest(role: RoleModel, assertion: ValidatedAssertion, context: ReadonlyMap<string, ContextValue>): AuthzRequest {
  return { action: SAML_ACTION, resource: role.arn, principal: { federated: assertion.identity.providerArn }, context };
}

export function judgeRole(role: RoleModel, assertion: ValidatedAssertion, context: ReadonlyMap<string, ContextValue>): RoleVerdict {
  const request = trustRequest(role, assertion, context);
  const decision = evaluatePolicies([role.trustPolicy], request);
  if (decision.decision === 'Allow') return { role, allowed: true, needsMfa: false };
  const explanation = explainPolicies([role.trustPolicy], request);
  if (decision.decision === 'ImplicitDeny' && context.get('aws:multifactorauthpresent') !== 'true') {
    const withMfa = new Map(context);
    withMfa.set('aws:multifactorauthpresent', 'true');
    withMfa.set('aws:multifactorauthage', '0');
    if (evaluatePolicies([role.trustPolicy], { ...request, context: withMfa }).decision === 'Allow') {
      return { role, allowed: false, needsMfa: true, explanation };
    }
  }
  return { role, allowed: false, needsMfa: false, explanation };
}

export function mapSamlRoles(model: BrokerModel, assertion: ValidatedAssertion, context: ReadonlyMap<string, ContextValue>): SamlRoleMapping {
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
  const verdicts = candidates.map((role) => judgeRole(role, assertion, context));
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

/**
 * The session name: the RoleSessionName attribute, validated as AWS does; else (beyond AWS) the NameID
 * made safe — characters outside `[\w+=,.@-]` become `-`, cut to 64.
 */
export function samlSessionName(assertion: ValidatedAssertion): { name?: string; error?: string } {
  const raw = assertion.roleSessionName;
  if (raw !== undefined) {
    if (!/^[\w+=,.@-]{2,64}$/.test(raw)) return { error: 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}' };
    return { name: raw };
  }
  let name = assertion.identity.subject.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  if (name.length < 2) name = name.padEnd(2, '-');
  return { name };
}
