/**
 * The resolved model of a configuration: every policy parsed and compiled once, every ARN built, every
 * identity provider prepared (SAML metadata read, OIDC issuer checked), every cross-reference checked.
 * Requests only read from it. Problems are reported with the key path of config.md.
 */
import { parseSecureUrl } from '../federation/secureUrl.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { accountRootArn, oidcProviderArn, parseArn, roleArn, samlProviderArn, userArn } from '../credentials/arns.js';
import { OidcSettingsError, oidcProviderName, validateOidcProviderSettings } from '../federation/oidc/providerSettings.js';
import type { OidcProviderSettings } from '../federation/oidc/providerSettings.js';
import { loadMetadata, MetadataSource, SamlMetadataError, type ParsedMetadata } from '../federation/saml/metadata.js';
import type { SamlProviderSettings } from '../federation/saml/settings.js';
import { actionMatches, parsePolicy, policyWarnings, PolicySyntaxError, summarizeStatements, type CompiledPolicy, type PolicyKind, type StatementSummary } from '../policy/index.js';
import type { SessionTag } from '../credentials/types.js';
import { compileSessionTagMapping, type SessionTagMapping } from '../sessions/tags/mapping.js';
import { upstreamRoleSettings, type UpstreamRoleSettings, type UpstreamSettings } from '../upstream/settings.js';
import { brokerVariables, substituteBrokerVariables, type BrokerVariables } from './brokerVariables.js';
import { ConfigError, type ConfigIssue } from './configError.js';
import type { LoadedConfig } from './load.js';
import type { RawConfig, RawOidcProvider, RawRole, RawSamlProvider } from './schema.js';

/** IAM size limits (characters without white space, G16733–G16756). */
export const POLICY_LIMITS = { trust: 2048, managed: 6144, roleInlineAggregate: 10240, userInlineAggregate: 2048, session: 2048 } as const;

export interface ManagedPolicyModel {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly policy: CompiledPolicy;
}

export interface RoleModel {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  /** The account the role lives in: this broker's, or the AWS account of an upstream role. */
  readonly account: string;
  readonly description?: string;
  readonly maxSessionDuration: number;
  readonly clampDuration: boolean;
  readonly allowUnconstrainedTrust: boolean;
  readonly trustPolicy: CompiledPolicy;
  /** Managed then inline permission policies. */
  readonly permissionPolicies: readonly CompiledPolicy[];
  readonly managedPolicyNames: readonly string[];
  readonly permissionsBoundary?: CompiledPolicy;
  /** The role's own tags: aws:PrincipalTag of its sessions (under session tags), iam:ResourceTag in trust. */
  readonly tags: readonly SessionTag[];
  /** Lower-cased session tag keys the role accepts; undefined: any. */
  readonly allowedSessionTagKeys?: ReadonlySet<string>;
  /** An upstream role (upstream.md): decided here, issued by AWS STS. */
  readonly upstream?: UpstreamRoleSettings;
}

export interface UserModel {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly accessKeyIds: readonly string[];
  readonly permissionPolicies: readonly CompiledPolicy[];
  readonly permissionsBoundary?: CompiledPolicy;
  /** The user's own tags: aws:PrincipalTag of its requests (and, under session tags, of its federated users). */
  readonly tags: readonly SessionTag[];
}

export interface AccessKeyModel {
  readonly user: UserModel;
  readonly secretAccessKey: string;
}

export interface SamlProviderModel {
  readonly settings: SamlProviderSettings;
  readonly arn: string;
  /** Where the metadata came from: file path or URL. */
  readonly metadataSource: string;
  /** AssumeRoleWithSAML without the RoleSessionName attribute: refused (`attribute`) or the NameID. */
  readonly sessionNameFrom: 'attribute' | 'nameId';
  /** What identifies a person for MFA devices (mfa/federatedOwner.ts). */
  readonly mfaSubjectRule: ProviderMfaSubjectRule;
  /** Configured session tags (sessionTags), added to those the IdP sends. */
  readonly sessionTags?: SessionTagMapping;
}

/** mfaSubject / subjectCase of a provider (the MfaSubjectRule of mfa/federatedOwner.ts). */
export interface ProviderMfaSubjectRule {
  readonly mfaSubject?: string;
  readonly subjectCase: 'sensitive' | 'insensitive';
}

export interface OidcProviderModel {
  readonly settings: OidcProviderSettings;
  readonly arn: string;
  /** What identifies a person for MFA devices (mfa/federatedOwner.ts). */
  readonly mfaSubjectRule: ProviderMfaSubjectRule;
  /** Browser sign-in through this provider (authorization code + PKCE), when configured. */
  readonly login?: { readonly clientId: string; readonly clientSecret?: string; readonly scopes: readonly string[] };
  /** Configured session tags (sessionTags), added to those the IdP sends. */
  readonly sessionTags?: SessionTagMapping;
}

export interface BrokerModel {
  readonly loaded: LoadedConfig;
  readonly config: RawConfig;
  readonly account: string;
  readonly partition: string;
  readonly managedPolicies: ReadonlyMap<string, ManagedPolicyModel>;
  readonly managedPoliciesByArn: ReadonlyMap<string, ManagedPolicyModel>;
  readonly roles: ReadonlyMap<string, RoleModel>;
  readonly users: ReadonlyMap<string, UserModel>;
  readonly accessKeys: ReadonlyMap<string, AccessKeyModel>;
  readonly samlProviders: readonly SamlProviderModel[];
  readonly oidcProviders: readonly OidcProviderModel[];
  /** How fedbroker reaches AWS, when configured (upstream.md). */
  readonly upstream?: UpstreamSettings;
  /** Things worth saying at start-up that do not stop it (logged as warnings). */
  readonly warnings: readonly string[];
  roleByArn(arn: string): RoleModel | undefined;
  roleByName(name: string): RoleModel | undefined;
  close(): void;
}

export interface BuildModelOptions {
  /** Providers the broker adds itself (the development identity providers). */
  readonly extraProviders?: ReadonlyArray<RawSamlProvider | RawOidcProvider>;
  /** Metadata for SAML providers given in memory (the development IdP), by provider name. */
  readonly samlMetadata?: ReadonlyMap<string, ParsedMetadata>;
  /**
   * false: do not fetch metadata URLs (check-config --offline). 'background': fetch them without
   * waiting — the broker's start, so one IdP whose metadata URL hangs or is down neither delays nor
   * stops it; that provider answers IDPCommunicationError until a retry (5 s, doubling) succeeds.
   * Default true: wait, and a URL that cannot be fetched is a configuration problem.
   */
  readonly fetchMetadata?: boolean | 'background';
  readonly onMetadataError?: (provider: string, error: Error) => void;
  /**
   * Providers that exist without being built here (check-config: the development providers, which
   * serve creates itself). A trust policy naming a provider that is neither is left to the
   * configuration checks (src/config/lint), which say so precisely.
   */
  readonly otherProviderNames?: readonly string[];
}

export async function buildModel(loaded: LoadedConfig, options: BuildModelOptions = {}): Promise<BrokerModel> {
  const { config } = loaded;
  const account = config.account.id;
  const partition = config.account.partition;
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const variables = brokerVariables(loaded);

  // ---- managed policies ----
  const managedPolicies = new Map<string, ManagedPolicyModel>();
  const managedPoliciesByArn = new Map<string, ManagedPolicyModel>();
  config.policies.forEach((p, i) => {
    if (managedPolicies.has(p.name)) {
      issues.push({ path: `policies[${i}].name`, message: `duplicate policy name ${p.name}` });
      return;
    }
    const policy = compile(p.document, 'identity', p.name, POLICY_LIMITS.managed, `policies[${i}].document`, issues, warnings, variables);
    if (policy === undefined) return;
    const model: ManagedPolicyModel = { name: p.name, arn: `arn:${partition}:iam::${account}:policy/${p.name}`, ...(p.description ? { description: p.description } : {}), policy };
    managedPolicies.set(p.name, model);
    managedPoliciesByArn.set(model.arn, model);
  });

  const managedList = (names: readonly string[], path: string): CompiledPolicy[] =>
    names.flatMap((name, j) => {
      const m = managedPolicies.get(name);
      if (m === undefined) {
        issues.push({ path: `${path}[${j}]`, message: `no policy named ${name} in policies` });
        return [];
      }
      return [m.policy];
    });
  const boundaryOf = (name: string | null, path: string): CompiledPolicy | undefined => {
    if (name === null) return undefined;
    const m = managedPolicies.get(name);
    if (m === undefined) issues.push({ path, message: `no policy named ${name} in policies` });
    return m?.policy;
  };

  // ---- identity providers ----
  const providers = [...config.identityProviders, ...(options.extraProviders ?? [])];
  const providerNames = new Map<string, number>();
  const samlProviders: SamlProviderModel[] = [];
  const oidcProviders: OidcProviderModel[] = [];
  for (let i = 0; i < providers.length; i++) {
    const p = providers[i]!;
    const path = `identityProviders[${i}]`;
    if (p.type === 'oidc') {
      const model = prepareOidcProvider(p, path, account, partition, issues);
      if (model === undefined) continue;
      if (uniqueName(providerNames, model.settings.name, i, path, issues)) oidcProviders.push(model);
    } else {
      if (!uniqueName(providerNames, p.name, i, path, issues)) continue;
      const model = await prepareSamlProvider(p, path, account, partition, config.saml.metadataRefreshSeconds, options, issues);
      if (model !== undefined) samlProviders.push(model);
    }
  }

  // ---- roles ----
  const roles = new Map<string, RoleModel>();
  const roleNames = new Map<string, RoleModel>();
  config.roles.forEach((r, i) => {
    const path = `roles[${i}]`;
    if (roleNames.has(r.name.toLowerCase())) {
      issues.push({ path: `${path}.name`, message: `duplicate role name ${r.name} (role names are not case-sensitive)` });
      return;
    }
    const trustPolicy = compile(r.trustPolicy, 'trust', `trust:${r.name}`, POLICY_LIMITS.trust, `${path}.trustPolicy`, issues, warnings, variables);
    const inline = r.inlinePolicies
      .map((d, j) => compile(d, 'identity', `inline:${r.name}#${j}`, undefined, `${path}.inlinePolicies[${j}]`, issues, warnings, variables))
      .filter((p): p is CompiledPolicy => p !== undefined);
    const inlineSize = inline.reduce((n, p) => n + p.size, 0);
    if (inlineSize > POLICY_LIMITS.roleInlineAggregate) {
      issues.push({ path: `${path}.inlinePolicies`, message: `inline policies total ${inlineSize} characters; a role allows ${POLICY_LIMITS.roleInlineAggregate}` });
    }
    const managed = managedList(r.managedPolicies, `${path}.managedPolicies`);
    const boundary = boundaryOf(r.permissionsBoundary, `${path}.permissionsBoundary`);
    if (trustPolicy === undefined) return;
    checkTrustPrincipals(trustPolicy, path, issues);
    checkTrustConstraints(r, trustPolicy, path, oidcProviders, options.otherProviderNames ?? [], issues, warnings);
    const upstream = r.upstream !== undefined ? upstreamRoleSettings(r.upstream, config.upstream, path, issues) : undefined;
    const arn = upstream?.roleArn ?? roleArn(partition, account, r.path, r.name);
    if (roles.has(arn)) {
      issues.push({ path: upstream ? `${path}.upstream.roleArn` : `${path}.name`, message: `${arn} is the ARN of another role` });
      return;
    }
    const model: RoleModel = {
      name: r.name,
      path: r.path,
      arn,
      account: upstream?.account ?? account,
      ...(r.description !== undefined ? { description: r.description } : {}),
      maxSessionDuration: r.maxSessionDuration,
      clampDuration: r.clampDuration,
      allowUnconstrainedTrust: r.allowUnconstrainedTrust,
      trustPolicy,
      permissionPolicies: [...managed, ...inline],
      managedPolicyNames: r.managedPolicies,
      ...(boundary ? { permissionsBoundary: boundary } : {}),
      tags: entityTags(r.tags),
      ...(r.allowedSessionTagKeys !== undefined ? { allowedSessionTagKeys: new Set(r.allowedSessionTagKeys.map((k) => k.toLowerCase())) } : {}),
      ...(upstream !== undefined ? { upstream } : {}),
    };
    if (r.allowUnconstrainedTrust) warnings.push(`role ${r.name} sets allowUnconstrainedTrust: its trust policy is not required to constrain the audience`);
    roles.set(model.arn, model);
    roleNames.set(r.name.toLowerCase(), model);
  });

  // ---- users ----
  const users = new Map<string, UserModel>();
  const accessKeys = new Map<string, AccessKeyModel>();
  config.users.forEach((u, i) => {
    const path = `users[${i}]`;
    if ([...users.keys()].some((n) => n.toLowerCase() === u.name.toLowerCase())) {
      issues.push({ path: `${path}.name`, message: `duplicate user name ${u.name} (user names are not case-sensitive)` });
      return;
    }
    const inline = u.inlinePolicies
      .map((d, j) => compile(d, 'identity', `inline:user/${u.name}#${j}`, undefined, `${path}.inlinePolicies[${j}]`, issues, warnings, variables))
      .filter((p): p is CompiledPolicy => p !== undefined);
    const managed = managedList(u.managedPolicies, `${path}.managedPolicies`);
    const boundary = boundaryOf(u.permissionsBoundary, `${path}.permissionsBoundary`);
    const model: UserModel = {
      name: u.name,
      path: u.path,
      arn: userArn(partition, account, u.path, u.name),
      accessKeyIds: u.accessKeys.map((k) => k.id),
      permissionPolicies: [...managed, ...inline],
      ...(boundary ? { permissionsBoundary: boundary } : {}),
      tags: entityTags(u.tags),
    };
    users.set(u.name, model);
    u.accessKeys.forEach((k, j) => {
      if (accessKeys.has(k.id)) {
        issues.push({ path: `${path}.accessKeys[${j}].id`, message: `access key ${k.id} is used twice` });
        return;
      }
      accessKeys.set(k.id, { user: model, secretAccessKey: k.secret });
    });
  });

  if (issues.length > 0) {
    for (const p of samlProviders) if (p.settings.metadata instanceof MetadataSource) p.settings.metadata.stop();
    throw new ConfigError(issues, loaded.file);
  }

  const roleByLowerName = roleNames;
  return {
    loaded,
    config,
    account,
    partition,
    managedPolicies,
    managedPoliciesByArn,
    roles,
    users,
    accessKeys,
    samlProviders,
    oidcProviders,
    ...(config.upstream !== undefined ? { upstream: config.upstream } : {}),
    warnings,
    roleByArn: (arn) => roles.get(arn),
    roleByName: (name) => roleByLowerName.get(name.toLowerCase()),
    close() {
      for (const p of samlProviders) if (p.settings.metadata instanceof MetadataSource) p.settings.metadata.stop();
    },
  };
}

const entityTags = (tags: Readonly<Record<string, string>>): SessionTag[] => Object.entries(tags).map(([key, value]) => ({ key, value }));

function uniqueName(names: Map<string, number>, name: string, index: number, path: string, issues: ConfigIssue[]): boolean {
  const before = names.get(name);
  if (before !== undefined) {
    issues.push({ path: `${path}.name`, message: `provider name ${name} is already used by identityProviders[${before}]` });
    return false;
  }
  names.set(name, index);
  return true;
}

/**
 * Policy documents are inline objects or paths to JSON/YAML files (already absolute), with their
 * `${fedbroker:…}` variables replaced. A condition that can never match (IAM accepts it) is a warning.
 */
function compile(document: unknown, kind: PolicyKind, name: string, maxSize: number | undefined, path: string, issues: ConfigIssue[], warnings: string[], variables: BrokerVariables): CompiledPolicy | undefined {
  let source: string | object;
  if (typeof document === 'string') {
    try {
      const text = readFileSync(document, 'utf8');
      source = /\.ya?ml$/i.test(document) ? (parseYaml(text) as object) : text;
    } catch (e) {
      issues.push({ path, message: `cannot read policy file ${document}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return undefined;
    }
  } else source = document as object;
  const unknownVariables = issues.length;
  source = substituteBrokerVariables(source, variables, path, issues);
  if (issues.length > unknownVariables) return undefined;
  try {
    const policy = parsePolicy(source, { kind, name, ...(maxSize !== undefined ? { maxSize } : {}) });
    for (const w of policyWarnings(policy)) warnings.push(`${path}.${w.path}: ${w.message}`);
    return policy;
  } catch (e) {
    if (e instanceof PolicySyntaxError) {
      issues.push({ path: e.path ? `${path}.${e.path}` : path, message: e.message.replace(/ \(at [^)]*\)$/, '') });
      return undefined;
    }
    throw e;
  }
}

function prepareOidcProvider(p: RawOidcProvider, path: string, account: string, partition: string, issues: ConfigIssue[]): OidcProviderModel | undefined {
  const name = oidcProviderName(p.issuer, p.name);
  const settings: OidcProviderSettings = {
    name,
    issuer: p.issuer,
    clientIds: p.clientIds,
    ...(p.jwksUri !== undefined ? { jwksUri: p.jwksUri } : {}),
    ...(p.jwksFile !== undefined ? { jwksFile: p.jwksFile } : {}),
    mfaAmr: p.mfaAmr,
    enabled: p.enabled,
    ...(p.allowedAlgorithms !== undefined ? { allowedAlgorithms: p.allowedAlgorithms } : {}),
  };
  // The same checks OidcFederation makes when it loads the providers, here with the key path, so
  // that check-config finds everything serve would refuse.
  try {
    validateOidcProviderSettings(settings);
  } catch (e) {
    if (!(e instanceof OidcSettingsError)) throw e;
    const field = e.field === 'name' && p.name === undefined ? 'issuer' : e.field;
    issues.push({ path: `${path}.${field}`, message: e.reason });
    return undefined;
  }
  // The ID token of a console sign-in is verified like any other: its aud must be a client id.
  if (p.login !== undefined && !p.clientIds.includes(p.login.clientId)) {
    issues.push({ path: `${path}.login.clientId`, message: `must be one of clientIds (${p.clientIds.join(', ')}): the ID tokens of the sign-in carry it as aud` });
    return undefined;
  }
  const sessionTags = p.sessionTags !== undefined ? compileSessionTagMapping(p.sessionTags, 'oidc', p.sessionTagsOverride ?? false, `${path}.sessionTags`, issues) : undefined;
  return { settings, arn: oidcProviderArn(partition, account, name), mfaSubjectRule: mfaSubjectRule(p), ...(p.login ? { login: p.login } : {}), ...(sessionTags ? { sessionTags } : {}) };
}

async function prepareSamlProvider(
  p: RawSamlProvider,
  path: string,
  account: string,
  partition: string,
  refreshSeconds: number,
  options: BuildModelOptions,
  issues: ConfigIssue[],
): Promise<SamlProviderModel | undefined> {
  let metadata: ParsedMetadata | MetadataSource | undefined = options.samlMetadata?.get(p.name);
  try {
    if (metadata === undefined) {
      if (/^https?:\/\//i.test(p.metadata)) {
        parseSecureUrl(p.metadata, 'metadata');
        const source = new MetadataSource({
          url: p.metadata,
          refreshSeconds,
          ...(options.onMetadataError ? { onError: (e: Error) => options.onMetadataError!(p.name, e) } : {}),
        });
        if (options.fetchMetadata === 'background') void source.start().catch(() => undefined);
        else if (options.fetchMetadata !== false) await source.start();
        metadata = source;
      } else {
        metadata = await loadMetadata({ file: p.metadata });
      }
    }
  } catch (e) {
    const message = e instanceof SamlMetadataError ? e.message : (e as Error).message;
    issues.push({ path: `${path}.metadata`, message });
    return undefined;
  }
  return {
    settings: {
      name: p.name,
      metadata,
      enabled: p.enabled,
      allowIdpInitiated: p.allowIdpInitiated,
      requireSignedAssertion: p.requireSignedAssertion,
      allowSha1: p.allowSha1,
      mfaAuthnContexts: p.mfaAuthnContexts,
    },
    arn: samlProviderArn(partition, account, p.name),
    metadataSource: p.metadata,
    sessionNameFrom: p.sessionNameFrom,
    mfaSubjectRule: mfaSubjectRule(p),
    ...(p.sessionTags !== undefined ? { sessionTags: compileSessionTagMapping(p.sessionTags, 'saml', p.sessionTagsOverride ?? false, `${path}.sessionTags`, issues) } : {}),
  };
}

function mfaSubjectRule(p: RawSamlProvider | RawOidcProvider): ProviderMfaSubjectRule {
  return { subjectCase: p.subjectCase, ...(p.mfaSubject !== undefined ? { mfaSubject: p.mfaSubject } : {}) };
}

/** IAM principal ARNs a trust policy can name: the account, users, roles, role sessions, federated users. */
const AWS_PRINCIPAL_RESOURCE = /^(root|(user|role)(\/[\x21-\x7e]*)?\/[\w+=,.@-]{1,64}|assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64}|federated-user\/[\w+=,.@-]{2,32})$/;
/** A web identity provider named by host (accounts.google.com, cognito-identity.amazonaws.com…). */
const WEB_IDENTITY_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/**
 * config.md: check-config and start-up parse "every ARN". A principal that is not a well-formed ARN
 * (IAM answers "Invalid principal in policy") would silently never match; refuse it with its path.
 */
function checkTrustPrincipals(trust: CompiledPolicy, path: string, issues: ConfigIssue[]): void {
  for (const s of summarizeStatements(trust)) {
    if (s.principal === undefined || s.principal === '*') continue;
    const where = `${path}.trustPolicy.Statement[${s.index}].${s.notPrincipal ? 'NotPrincipal' : 'Principal'}`;
    for (const value of s.principal.AWS ?? []) {
      if (value === '*' || /^\d{12}$/.test(value)) continue;
      const arn = parseArn(value);
      const ok = arn !== null && (arn.service === 'iam' || arn.service === 'sts') && arn.region === '' && /^\d{12}$/.test(arn.account) && AWS_PRINCIPAL_RESOURCE.test(arn.resource);
      if (!ok) issues.push({ path: `${where}.AWS`, message: `Invalid principal in policy: "AWS":${JSON.stringify(value)}` });
    }
    for (const value of s.principal.Federated ?? []) {
      if (!value.startsWith('arn:')) {
        if (!WEB_IDENTITY_HOST.test(value)) issues.push({ path: `${where}.Federated`, message: `Invalid principal in policy: "Federated":${JSON.stringify(value)}` });
        continue;
      }
      const arn = parseArn(value);
      const ok = arn !== null && arn.service === 'iam' && arn.region === '' && /^\d{12}$/.test(arn.account) && /^(saml-provider|oidc-provider)\/.+$/.test(arn.resource);
      if (!ok) issues.push({ path: `${where}.Federated`, message: `Invalid principal in policy: "Federated":${JSON.stringify(value)}` });
    }
  }
}

/**
 * semantics.md "Unconstrained trust is refused": a trust policy that lets anyone holding a token of a
 * provider take the role is the #1 federation audit finding. An Allow of sts:AssumeRoleWithWebIdentity
 * must condition the provider's `aud` (or `azp`); an Allow of sts:AssumeRoleWithSAML must condition
 * `saml:aud` — unless the role explicitly opts out with allowUnconstrainedTrust.
 */
function checkTrustConstraints(
  role: RawRole,
  trust: CompiledPolicy,
  path: string,
  oidcProviders: readonly OidcProviderModel[],
  otherProviderNames: readonly string[],
  issues: ConfigIssue[],
  warnings: string[],
): void {
  const exists = (name: string) => oidcProviders.some((p) => p.settings.name === name) || otherProviderNames.includes(name);
  for (const s of summarizeStatements(trust)) {
    if (s.effect !== 'Allow') continue;
    const allows = (action: string) =>
      s.actions !== undefined ? s.actions.some((a) => actionMatches(a, action)) : !(s.notActions ?? []).some((a) => actionMatches(a, action));
    // Anyone at all — Principal "*", {"AWS": "*"} (which matches federated callers too) or an Allow
    // with NotPrincipal (everyone but the listed) — counts as every provider.
    const everyone = s.principal === '*' || s.notPrincipal || (s.principal?.AWS ?? []).includes('*');
    const federated = everyone ? ['*'] : (s.principal?.Federated ?? []);
    const where = `${path}.trustPolicy.Statement[${s.index}]`;
    if (allows('sts:AssumeRoleWithWebIdentity') && federated.length > 0) {
      for (const f of federated) {
        const name = f === '*' ? undefined : f.replace(/^arn:[^:]+:iam::\d{12}:oidc-provider\//, '');
        if (name !== undefined && !exists(name)) continue; // no such provider: the configuration checks report it
        const prefixes = name !== undefined ? [name.toLowerCase()] : oidcProviders.map((p) => p.settings.name.toLowerCase());
        const hasAudience = prefixes.length > 0 && prefixes.every((n) => restricts(s, `${n}:aud`) || restricts(s, `${n}:azp`));
        if (!hasAudience && !role.allowUnconstrainedTrust) {
          issues.push({
            path: `${where}.Condition`,
            message: `allows sts:AssumeRoleWithWebIdentity for ${f} without a condition on ${name ?? '<provider>'}:aud (any application of that provider could take the role); add one, or set allowUnconstrainedTrust: true`,
          });
        } else if (!prefixes.every((n) => restrictsUser(s, n)) && name !== undefined && !role.allowUnconstrainedTrust) {
          // A condition on sub, groups or any other claim of the user narrows who; aud alone admits every user of the application.
          warnings.push(`role ${role.name}: ${where} allows sts:AssumeRoleWithWebIdentity for ${f} to every user of the application: add a condition on ${name}:sub or another claim of the user (groups, email…)`);
        }
      }
    }
    const samlPrincipals = federated.filter((f) => f === '*' || f.includes(':saml-provider/'));
    if (allows('sts:AssumeRoleWithSAML') && samlPrincipals.length > 0 && !restricts(s, 'saml:aud') && !role.allowUnconstrainedTrust) {
      issues.push({
        path: `${where}.Condition`,
        message: 'allows sts:AssumeRoleWithSAML without a condition on saml:aud; add one (e.g. StringEquals saml:aud = the ACS URL), or set allowUnconstrainedTrust: true',
      });
    }
  }
}

/**
 * Does the statement really restrict `key`? A condition on it with a positive operator (not a
 * `…Not…` operator, not Null) and at least one value that is not only wildcards: `StringLike aud "*"`
 * or `StringNotEquals aud "x"` let (nearly) every application in.
 */
function restricts(statement: StatementSummary, key: string): boolean {
  return statement.conditions.some((c) => {
    if (c.key !== key) return false;
    const operator = c.operator.replace(/^For(All|Any)Values?:/i, '');
    return !/Not|^Null$/i.test(operator) && c.values.some((v) => !/^[*?]*$/.test(v));
  });
}

/** Does the statement restrict a key of provider `prefix` that describes the user (not the application)? */
function restrictsUser(statement: StatementSummary, prefix: string): boolean {
  const applicationKeys = new Set(['aud', 'azp', 'oaud', 'amr']);
  return statement.conditions.some((c) => c.key.startsWith(`${prefix}:`) && !applicationKeys.has(c.key.slice(prefix.length + 1)) && restricts(statement, c.key));
}

/** The account root ARN and id, for principal matching of account-wide trust. */
export function accountPrincipal(model: BrokerModel): { account: string; rootArn: string } {
  return { account: model.account, rootArn: accountRootArn(model.partition, model.account) };
}
