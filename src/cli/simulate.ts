/**
 * `fedbroker simulate`: which roles may this identity take, and for every other role which statement
 * or condition refused it. The identity is a SAML assertion (validated exactly as the ACS would, but
 * without recording it in the replay cache), an OIDC ID token (verified against its provider), or a
 * decoded attribute set (`--attributes FILE`: what an IdP would send, to try mappings before wiring it).
 *
 *   fedbroker simulate --config FILE --provider NAME --assertion response.b64 [--role ARN] [--json]
 *   fedbroker simulate --config FILE --provider NAME --attributes attrs.json
 *   fedbroker simulate --config FILE --token id_token.jwt
 *
 * It also shows the session tags the sign-in would carry (the IdP's and the provider's mapping) and,
 * per role, the policy statements that read tags.
 *
 * The request keys are those of a sign-in now: aws:CurrentTime/EpochTime, aws:SecureTransport from
 * the public URL, aws:SourceIp from --source-ip when given.
 */
import { readFileSync } from 'node:fs';
import { buildModel, type BrokerModel } from '../config/model.js';
import { startDevProviders } from '../dev/devProviders.js';
import type { AssertedIdentity } from '../federation/identity.js';
import { OidcFederation } from '../federation/oidc/index.js';
import { buildConditionKeys, computeNameQualifier, parseRoleValue, SamlValidator, type ValidatedAssertion } from '../federation/saml/index.js';
import { samlProviderArn } from '../credentials/arns.js';
import { VOID_PROBLEM_TEXT } from '../policy/index.js';
import type { ContextValue, PolicyExplanation } from '../policy/types.js';
import type { SessionTags } from '../credentials/types.js';
import { AwsError } from '../errors.js';
import { oidcSessionTags, samlSessionTags, statementsUsingTags } from '../sessions/tags/index.js';
import { requestConditionKeys } from '../actions/common/requestContext.js';
import { federatedTrustContext, judgeRole, type RoleVerdict, type TrustIdentity } from '../roles/federatedTrust.js';
import { mapSamlRoles, samlSessionName, samlTrustIdentity } from '../roles/samlRoles.js';
import { loadConfigFromArgs, option, type CliArgs } from './args.js';

const USAGE = 'usage: fedbroker simulate --config FILE --provider NAME (--assertion FILE | --attributes FILE | --token FILE) [--role ARN] [--mfa] [--json]';

interface AttributeSet {
  nameId: string;
  nameIdFormat?: string;
  issuer?: string;
  attributes?: Record<string, string | string[]>;
}

export async function simulate(args: CliArgs): Promise<number> {
  const assertionFile = option(args, 'assertion');
  const attributesFile = option(args, 'attributes');
  const tokenFile = option(args, 'token');
  if ([assertionFile, attributesFile, tokenFile].filter((x) => x !== undefined).length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const dev = loaded.config.devIdentityProviders ? await startDevProviders(loaded) : undefined;
  const model = await buildModel(loaded, dev ? { extraProviders: dev.providers, samlMetadata: dev.samlMetadata } : {});
  // What check-config warns about (e.g. a condition that can never match) matters to a simulation too.
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  try {
    const mfaFlag = args.options.get('mfa') === true;
    let verdicts: RoleVerdict[];
    let refused: { value: string; reason: string }[] = [];
    let who: string;
    let tags: SessionTags | undefined;
    if (tokenFile !== undefined) {
      const oidc = new OidcFederation(model.oidcProviders.map((p) => p.settings), { account: model.account, partition: model.partition });
      try {
        const verified = await oidc.verify(readFileSync(tokenFile, 'utf8').trim());
        who = `${verified.identity.subject} (OIDC provider ${verified.providerName})`;
        const found = sessionTagsOr(() => oidcSessionTags(model, verified.providerName, verified.identity.subject, verified.claims));
        if (found === null) return 1;
        tags = found;
        const identity = { ...oidcIdentity(verified.identity), ...(tags !== undefined ? { tags } : {}) };
        verdicts = judgeAll(model, identity, mfaFlag || verified.identity.mfaAtIdp, verified.identity.subject, simulatedRequestKeys(loaded.publicUrl, args));
      } finally {
        oidc.close();
      }
    } else {
      const providerName = option(args, 'provider');
      const provider = model.samlProviders.find((p) => p.settings.name === providerName);
      if (provider === undefined) {
        process.stderr.write(`no SAML provider named ${providerName ?? '(missing --provider)'} in the configuration\n`);
        return 2;
      }
      const assertion =
        assertionFile !== undefined
          ? await validateAssertion(model, loaded.acsUrl, loaded.samlEntityId, provider.settings.name, readFileSync(assertionFile, 'utf8'))
          : decodedAssertion(model, loaded.acsUrl, provider.settings.name, provider.arn, JSON.parse(readFileSync(attributesFile!, 'utf8')) as AttributeSet);
      const name = samlSessionName(assertion, { fromNameId: true }).name ?? 'simulated';
      const mfa = mfaFlag || assertion.identity.mfaAtIdp ? { authenticatedAt: Math.floor(Date.now() / 1000) } : undefined;
      const found = sessionTagsOr(() => samlSessionTags(model, assertion.provider, assertion.identity.subject, assertion.attributes));
      if (found === null) return 1;
      tags = found;
      const identity = { ...samlTrustIdentity(assertion), ...(tags !== undefined ? { tags } : {}) };
      const context = federatedTrustContext(identity, simulatedRequestKeys(loaded.publicUrl, args), mfa, Date.now(), name);
      const mapping = mapSamlRoles(model, assertion, context, tags);
      verdicts = [...mapping.verdicts];
      refused = [...mapping.refusedValues];
      who = `${assertion.identity.subject} (SAML provider ${assertion.provider}${mapping.fromAttribute ? ', Role attribute' : ', trust policies only'})`;
    }
    const only = option(args, 'role');
    if (only !== undefined) verdicts = verdicts.filter((v) => v.role.arn === only || v.role.name === only);
    if (args.options.get('json') === true) {
      const sessionTags = tags ?? { tags: [], transitiveTagKeys: [] };
      process.stdout.write(`${JSON.stringify({ identity: who, sessionTags, roles: verdicts.map(toJson), refusedRoleValues: refused }, null, 2)}\n`);
    } else {
      process.stdout.write(report(who, tags, verdicts, refused));
    }
    return verdicts.some((v) => v.allowed) ? 0 : 1;
  } finally {
    model.close();
  }
}

/**
 * The request keys a real sign-in would carry: the current time, aws:SecureTransport as the public
 * URL's scheme gives it, and aws:SourceIp when --source-ip names one.
 */
function simulatedRequestKeys(publicUrl: string, args: CliArgs): Record<string, ContextValue> {
  const sourceIp = option(args, 'source-ip') ?? '';
  return requestConditionKeys({ receivedAt: Date.now(), secure: publicUrl.startsWith('https:'), sourceIp, userAgent: '' });
}

function judgeAll(model: BrokerModel, identity: TrustIdentity, mfa: boolean, sessionName: string, requestKeys: Record<string, ContextValue>): RoleVerdict[] {
  const context = federatedTrustContext(identity, requestKeys, mfa ? { authenticatedAt: Math.floor(Date.now() / 1000) } : undefined, Date.now(), sessionName.replace(/[^\w+=,.@-]/g, '-').slice(0, 64));
  return [...model.roles.values()].map((role) => judgeRole(role, identity, context));
}

function oidcIdentity(identity: AssertedIdentity): TrustIdentity {
  return { type: 'oidc', providerArn: identity.providerArn, conditionKeys: identity.conditionKeys };
}

async function validateAssertion(model: BrokerModel, acsUrl: string, entityId: string, provider: string, text: string): Promise<ValidatedAssertion> {
  const body = text.trim();
  const base64 = body.startsWith('<') ? Buffer.from(body, 'utf8').toString('base64') : body;
  const validator = new SamlValidator(
    { entityId, acsUrl, clockSkewSeconds: model.config.saml.clockSkewSeconds, account: model.account, partition: model.partition, maxResponseBytes: model.config.limits.maxBodyBytes },
    model.samlProviders.map((p) => p.settings),
  );
  // A simulation must not burn the assertion id or the SP-initiated request id.
  return validator.validate(base64, { provider, claimAssertionId: async () => true, consumeRequestId: async () => true });
}

/** A validated-assertion view of an attribute set, built the same way the validator builds it. */
function decodedAssertion(model: BrokerModel, acsUrl: string, provider: string, providerArn: string, set: AttributeSet): ValidatedAssertion {
  const issuer = set.issuer ?? `urn:simulated:${provider}`;
  const attributes = new Map<string, string[]>(Object.entries(set.attributes ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  const format = set.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
  const subjectType = format.endsWith(':persistent') ? 'persistent' : format.endsWith(':transient') ? 'transient' : format;
  const roleValues = attributes.get('https://aws.amazon.com/SAML/Attributes/Role') ?? [];
  const conditionKeys = buildConditionKeys({ issuer, subject: set.nameId, subjectType, recipient: acsUrl, account: model.account, providerName: provider, attributes });
  return {
    provider,
    identity: { type: 'saml', provider, providerArn: providerArn || samlProviderArn(model.partition, model.account, provider), subject: set.nameId, issuer, mfaAtIdp: false, conditionKeys },
    subjectType,
    nameQualifier: computeNameQualifier(issuer, model.account, provider),
    audience: acsUrl,
    assertionId: 'simulated',
    notOnOrAfter: Date.now() + 300_000,
    attributes,
    roleAttribute: roleValues.map(parseRoleValue).filter((p): p is NonNullable<typeof p> => p !== undefined),
    malformedRoleValues: roleValues.filter((v) => parseRoleValue(v) === undefined),
    ...(attributes.get('https://aws.amazon.com/SAML/Attributes/RoleSessionName')?.[0] !== undefined
      ? { roleSessionName: attributes.get('https://aws.amazon.com/SAML/Attributes/RoleSessionName')![0]! }
      : {}),
  };
}

/** The sign-in's session tags; null (after saying why on stderr) when they would refuse the sign-in. */
function sessionTagsOr(compute: () => SessionTags | undefined): SessionTags | undefined | null {
  try {
    return compute();
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    process.stderr.write(`The sign-in would be refused for its session tags: ${e.code}: ${e.message}\n`);
    return null;
  }
}

/** The role's policies (trust, permissions, boundary) whose statements read tags. */
function tagUses(v: RoleVerdict) {
  const role = v.role;
  return statementsUsingTags([role.trustPolicy, ...role.permissionPolicies, ...(role.permissionsBoundary ? [role.permissionsBoundary] : [])]);
}

function toJson(v: RoleVerdict) {
  return {
    role: v.role.arn,
    allowed: v.allowed,
    needsMfa: v.needsMfa,
    ...('explain' in v ? { explanation: v.explain() } : {}),
    ...('refusal' in v && v.refusal !== undefined ? { refusal: v.refusal } : {}),
    tagStatements: tagUses(v),
  };
}

function report(who: string, tags: SessionTags | undefined, verdicts: readonly RoleVerdict[], refused: readonly { value: string; reason: string }[]): string {
  const lines = [`Identity: ${who}`];
  if (tags === undefined) lines.push('Session tags: none');
  else {
    const shown = tags.tags.map((t) => `${t.key}=${t.value}${tags.transitiveTagKeys.includes(t.key) ? ' (transitive)' : ''}`);
    lines.push(`Session tags: ${shown.join(', ')}`);
  }
  lines.push('');
  for (const v of verdicts) {
    if (v.allowed) lines.push(`ALLOW  ${v.role.arn}`);
    else if (v.needsMfa) lines.push(`MFA    ${v.role.arn}  (allowed once multi-factor authentication is present)`);
    else {
      lines.push(`DENY   ${v.role.arn}`);
      if ('refusal' in v && v.refusal !== undefined) lines.push(`         ${v.refusal}`);
      else for (const reason of reasons(v.explain())) lines.push(`         ${reason}`);
    }
    for (const use of tagUses(v)) {
      lines.push(`         tags: ${use.policy} Statement[${use.index}]${use.sid ? ` (${use.sid})` : ''} reads ${use.keys.join(', ')}`);
    }
  }
  if (verdicts.length === 0) lines.push('No role is a candidate for this identity.');
  for (const r of refused) lines.push(`SKIP   Role attribute value "${r.value}": ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

function reasons(explanations: readonly PolicyExplanation[]): string[] {
  const out: string[] = [];
  for (const p of explanations) {
    for (const s of p.statements) {
      const label = `${p.policy} Statement[${s.ref.index}]${s.ref.sid ? ` (${s.ref.sid})` : ''} ${s.ref.effect}`;
      const o = s.outcome;
      if (o.applies) out.push(`${label}: applies${s.ref.effect === 'Deny' ? ' — explicit deny' : ''}`);
      else if (o.reason === 'condition') {
        const actual = o.actual === undefined ? 'absent' : JSON.stringify(o.actual);
        out.push(`${label}: condition ${o.operator} ${o.key} expects ${JSON.stringify(o.expected)}, request has ${actual}`);
      } else if (o.reason === 'variable') out.push(`${label}: policy variable ${o.variable} has no value`);
      else if (o.reason === 'void') out.push(`${label}: condition ${o.operator}${o.key !== undefined ? ` ${o.key}` : ''} can never match (${VOID_PROBLEM_TEXT[o.problem]})`);
      else out.push(`${label}: ${o.reason} does not match`);
    }
  }
  if (out.length === 0) out.push('no statement allows it (implicit deny)');
  return out;
}
