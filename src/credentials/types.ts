/**
 * What a sealed session token carries: everything needed to verify a later request made with the
 * temporary credentials (and to evaluate its policies) without a store lookup.
 */

export type SessionIssuer =
  | 'AssumeRoleWithWebIdentity'
  | 'AssumeRoleWithSAML'
  | 'AssumeRole'
  | 'GetSessionToken'
  | 'GetFederationToken';

export type SessionPrincipal =
  /** A role session (AssumeRole*): arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. */
  | {
      readonly kind: 'AssumedRole';
      readonly roleName: string;
      /** Role path, `/` or `/team/` (starts and ends with a slash). */
      readonly rolePath: string;
      /** Stable role id, AROA… */
      readonly roleId: string;
      readonly sessionName: string;
    }
  /** GetSessionToken: the IAM user itself, with temporary credentials. */
  | { readonly kind: 'User'; readonly userName: string; readonly userId: string; readonly userPath?: string }
  /** GetFederationToken: arn:aws:sts::ACCOUNT:federated-user/NAME, made by IAM user `userName`. */
  | {
      readonly kind: 'FederatedUser';
      readonly name: string;
      readonly userName: string;
      readonly userId: string;
      /** Path of the IAM user who called GetFederationToken (`/` when absent). */
      readonly userPath?: string;
    };

/** The federated identity behind a session from AssumeRoleWithSAML / AssumeRoleWithWebIdentity. */
export interface FederatedIdentity {
  readonly type: 'saml' | 'oidc';
  /** Provider name as configured (ExampleCorp, accounts.example.com). */
  readonly provider: string;
  /** saml:sub / <provider>:sub. */
  readonly subject: string;
  /**
   * Who owns this identity's MFA device (mfa/federatedOwner.ts): the stable identifier, or null when
   * nothing stable identifies the person (a transient NameID). Absent in tokens sealed before it was
   * recorded: such sessions cannot step up with an MFA device.
   */
  readonly mfaSubject?: string | null;
}

/** One session tag (tags.md): a key of 1–128 and a value of 0–256 characters. */
export interface SessionTag {
  readonly key: string;
  readonly value: string;
}

/**
 * A session's tags: `aws:PrincipalTag/{Key}` in every later decision. `transitiveTagKeys` (spelled as
 * in `tags`) pass into sessions chained from this one. This is also what an issuer forwards to AWS
 * (`Tags` / `TransitiveTagKeys` of AssumeRole).
 */
export interface SessionTags {
  readonly tags: readonly SessionTag[];
  readonly transitiveTagKeys: readonly string[];
}

export interface SessionClaims {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Epoch seconds. */
  readonly issuedAt: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly account: string;
  readonly partition: string;
  readonly issuer: SessionIssuer;
  readonly principal: SessionPrincipal;
  readonly federated?: FederatedIdentity;
  readonly sourceIdentity?: string;
  /**
   * MFA state of the session: absent → the credentials were issued without any MFA information
   * (aws:MultiFactorAuthPresent = false); `authenticatedAt` (epoch seconds) → MFA was verified then
   * (aws:MultiFactorAuthPresent = true, aws:MultiFactorAuthAge = now - authenticatedAt).
   */
  readonly mfa?: {
    readonly authenticatedAt: number;
    readonly serial?: string;
    /** How the MFA was done when it was a passkey (fedbroker:MfaMethod); absent: `totp` with a serial, else `idp`. */
    readonly method?: 'webauthn';
  };
  /** True for credentials obtained with other temporary credentials (role chaining). */
  readonly chained?: boolean;
  /**
   * Epoch seconds: nothing from these credentials may last beyond this — a console session opened
   * with them through the federation endpoint included. Set from a SAML assertion's
   * SessionNotOnOrAfter and SessionDuration attribute ("hard cap for everything from that assertion").
   */
  readonly notAfter?: number;
  /** Session policies: inline document text and managed policy names (resolved from PolicyArns). */
  readonly sessionPolicy?: { readonly inline?: string; readonly managed?: readonly string[] };
  /** Session tags (absent when the session has none). */
  readonly tags?: SessionTags;
  /**
   * Condition keys that stay available for the whole session (lower-case keys), e.g. saml:sub,
   * saml:namequalifier, saml:sub_type, <provider>:sub, <provider>:aud, aws:FederatedProvider.
   */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}
