/**
 * The configuration file's schema (config.md), validated at the edge with zod. Unknown keys are errors
 * (a typo must not silently become a default). Policies are validated later by the policy engine,
 * which reports paths inside the document.
 */
import { SAML_PROVIDER_NAME } from '../credentials/arns.js';
import { parseStoreUrl } from '../store/url.js';
import { allowedSessionTagKeysSchema, entityTagsSchema, sessionTagMappingSchema } from '../sessions/tags/configSchema.js';
import { refuseLocalPolicies, upstreamRoleSchema, upstreamSchema } from '../upstream/configSchema.js';
import { z } from 'zod';

const nonEmpty = z.string().min(1);
/** IAM entity names: users, roles, policies (G16680). */
const iamName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be 1-64 characters of letters, digits and + = , . @ _ -');
const iamPath = z
  .string()
  .regex(/^\/([\x21-\x7e]*\/)?$/, 'must begin and end with "/" (e.g. "/" or "/team/")')
  .max(512);
const seconds = z.number().int().nonnegative();
/** A policy document: inline (object) or a path to a JSON/YAML file (string). */
const policyDocument = z.union([z.record(z.string(), z.unknown()), nonEmpty]);

const serverSchema = z
  .object({
    host: nonEmpty.default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    trustProxy: z.boolean().default(false),
    workers: z.union([z.number().int().min(1).max(64), z.literal('auto')]).default(1),
  })
  .strict();

const accountSchema = z
  .object({
    id: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    partition: z.string().regex(/^aws(-[a-z]+)*$/, 'must be an ARN partition such as aws, aws-cn, aws-us-gov').default('aws'),
  })
  .strict();

const keysSchema = z.object({ dir: nonEmpty.default('../certs') }).strict();

const samlSchema = z
  .object({
    entityId: nonEmpty.optional(),
    clockSkewSeconds: z.number().int().min(0).max(600).default(120),
    signAuthnRequests: z.boolean().default(true),
    apiAssertionReuse: z.enum(['reject', 'allow']).default('reject'),
    metadataRefreshSeconds: z.number().int().min(60).default(3600),
  })
  .strict();

/** How a provider identifies a person for MFA devices (mfa/federatedOwner.ts). */
const subjectCase = z.enum(['sensitive', 'insensitive']).default('sensitive');

const samlProviderSchema = z
  .object({
    type: z.literal('saml'),
    name: z.string().regex(SAML_PROVIDER_NAME, 'must be 1-128 characters of letters, digits and . _ -'),
    enabled: z.boolean().default(true),
    metadata: nonEmpty,
    mfaAuthnContexts: z.array(nonEmpty).default([]),
    allowIdpInitiated: z.boolean().default(true),
    requireSignedAssertion: z.boolean().default(true),
    allowSha1: z.boolean().default(false),
    // AssumeRoleWithSAML without the RoleSessionName attribute: refused as in AWS, or the NameID.
    sessionNameFrom: z.enum(['attribute', 'nameId']).default('attribute'),
    mfaSubject: z.string().regex(/^saml:[\x21-\x7e]{1,256}$/, 'must be a SAML condition key such as saml:attr/employeeId').optional(),
    subjectCase,
    sessionTags: sessionTagMappingSchema.optional(),
    sessionTagsOverride: z.boolean().optional(),
  })
  .strict();

const oidcProviderSchema = z
  .object({
    type: z.literal('oidc'),
    name: z.string().regex(/^[\w.:/-]{1,255}$/, 'must be a host name with optional path').optional(),
    enabled: z.boolean().default(true),
    issuer: z.url(),
    clientIds: z.array(nonEmpty).min(1).max(100),
    jwksUri: z.url().optional(),
    jwksFile: nonEmpty.optional(),
    mfaAmr: z.array(nonEmpty).default([]),
    allowedAlgorithms: z.array(nonEmpty).optional(),
    mfaSubject: z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be a claim name such as oid or employee_id').optional(),
    subjectCase,
    login: z
      .object({
        clientId: nonEmpty,
        clientSecret: nonEmpty.optional(),
        scopes: z.array(nonEmpty).default(['openid', 'email', 'profile']),
      })
      .strict()
      .optional(),
    sessionTags: sessionTagMappingSchema.optional(),
    sessionTagsOverride: z.boolean().optional(),
  })
  .strict()
  .refine((p) => !(p.jwksUri && p.jwksFile), { message: 'set at most one of jwksUri and jwksFile', path: ['jwksFile'] });

const managedPolicySchema = z.object({ name: iamName, description: z.string().optional(), document: policyDocument }).strict();

const roleSchema = z
  .object({
    name: iamName,
    path: iamPath.default('/'),
    description: z.string().max(1000).optional(),
    maxSessionDuration: z.number().int().min(3600).max(43200).default(3600),
    clampDuration: z.boolean().default(false),
    allowUnconstrainedTrust: z.boolean().default(false),
    trustPolicy: policyDocument,
    managedPolicies: z.array(iamName).default([]),
    inlinePolicies: z.array(policyDocument).default([]),
    permissionsBoundary: iamName.nullable().default(null),
    tags: entityTagsSchema.default({}),
    allowedSessionTagKeys: allowedSessionTagKeysSchema.optional(),
    upstream: upstreamRoleSchema.optional(),
  })
  .strict()
  .superRefine(refuseLocalPolicies);

const userSchema = z
  .object({
    name: iamName,
    path: iamPath.default('/'),
    accessKeys: z
      .array(
        z
          .object({
            id: z.string().regex(/^AKIA[A-Z0-9]{16}$/, 'must be AKIA followed by 16 upper-case letters or digits'),
            secret: z.string().min(16, 'must be at least 16 characters').max(128),
          })
          .strict(),
      )
      .max(2, 'an IAM user has at most two access keys')
      .default([]),
    managedPolicies: z.array(iamName).default([]),
    inlinePolicies: z.array(policyDocument).default([]),
    permissionsBoundary: iamName.nullable().default(null),
    tags: entityTagsSchema.default({}),
  })
  .strict();

const consoleSchema = z
  .object({
    destinations: z.array(nonEmpty).default([]),
    sessionCookieName: z.string().regex(/^[A-Za-z0-9_-]+$/).default('fedbroker_session'),
    signinTokenTtlSeconds: z.number().int().min(30).max(900).default(900),
  })
  .strict();

const mfaSchema = z
  .object({
    issuer: nonEmpty.default('fedbroker'),
    window: z.number().int().min(0).max(3).default(1),
    maxFailures: z.number().int().min(1).max(100).default(5),
    lockoutSeconds: seconds.default(300),
    federatedEnrollment: z.enum(['first-sign-in', 'admin-only']).default('first-sign-in'),
    // Passkeys (passkeys.md): the name authenticators show, and whether they must verify the user.
    webauthn: z
      .object({ rpName: nonEmpty.default('fedbroker'), userVerification: z.enum(['required', 'preferred', 'discouraged']).default('preferred') })
      .strict()
      .default({ rpName: 'fedbroker', userVerification: 'preferred' }),
  })
  .strict();

const limitsSchema = z
  .object({
    requestsPerMinutePerIp: z.number().int().min(0).default(600),
    maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(262144),
  })
  .strict();

/** Command-line sign-in and the access portal (sso.md). */
const ssoSchema = z
  .object({
    requireMfa: z.boolean().default(true),
    // At most 36 h: revocations are kept that long (sessions/revocations.ts).
    sessionHours: z.number().gt(0).max(36).default(8),
    accessTokenSeconds: z.number().int().min(1).max(43200).default(3600),
    credentialSeconds: z.number().int().min(900).max(43200).default(3600),
  })
  .strict();

/** Display names of AWS accounts (the local account and upstream ones) for the role picker and the portal. */
const accountsSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
        name: z.string().min(1).max(128),
        emailAddress: z.email().optional(),
      })
      .strict(),
  )
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', message: `account ${a.id} is listed twice`, path: [i, 'id'] });
      seen.add(a.id);
    });
  });

const auditSchema = z.object({ file: nonEmpty.nullable().default('data/audit.jsonl') }).strict();

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    account: accountSchema,
    // Only the form is checked here (relative paths resolve later against the config's folder).
    store: nonEmpty.default('sqlite:data/broker.db').superRefine((value, ctx) => {
      const location = parseStoreUrl(value, '/');
      if ('problem' in location) ctx.addIssue({ code: 'custom', message: location.problem });
    }),
    keys: keysSchema.default(keysSchema.parse({})),
    saml: samlSchema.default(samlSchema.parse({})),
    identityProviders: z.array(z.discriminatedUnion('type', [samlProviderSchema, oidcProviderSchema])).default([]),
    policies: z.array(managedPolicySchema).default([]),
    roles: z.array(roleSchema).default([]),
    users: z.array(userSchema).default([]),
    console: consoleSchema.default(consoleSchema.parse({})),
    mfa: mfaSchema.default(mfaSchema.parse({})),
    limits: limitsSchema.default(limitsSchema.parse({})),
    audit: auditSchema.default(auditSchema.parse({})),
    devIdentityProviders: z.boolean().default(false),
    sso: ssoSchema.default(ssoSchema.parse({})),
    upstream: upstreamSchema.optional(),
    accounts: accountsSchema.default([]),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RawSamlProvider = z.infer<typeof samlProviderSchema>;
export type RawOidcProvider = z.infer<typeof oidcProviderSchema>;
export type RawRole = z.infer<typeof roleSchema>;
export type RawUser = z.infer<typeof userSchema>;
export type RawSsoSettings = z.infer<typeof ssoSchema>;
export type RawManagedPolicy = z.infer<typeof managedPolicySchema>;
