/**
 * Audit events in the CloudTrail shape (semantics.md "Audit"; seed-digest §9.3): the same field names
 * CloudTrail uses, so existing tooling can read them. Secrets, tokens, assertions and codes never
 * appear: `scrubSecrets` is the last guard before anything is written.
 */

export interface AuditEvent {
  readonly eventVersion: string;
  readonly eventID: string;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly eventType: 'AwsApiCall' | 'AwsConsoleSignin' | 'FedbrokerEvent';
  readonly awsRegion: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly userIdentity?: Record<string, unknown>;
  readonly requestParameters?: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly additionalEventData?: Record<string, unknown>;
  readonly resources?: ReadonlyArray<Record<string, unknown>>;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestID?: string;
  readonly recipientAccountId?: string;
  /** Credentials AWS issued for an upstream role (upstream.md): AWS's request id, key id and session ARN. */
  readonly upstream?: { readonly requestId: string; readonly accessKeyId: string; readonly assumedRoleArn: string };
}

/** Keys whose values must never be written, at any depth (compared case-insensitively). */
const SECRET_KEYS = new Set(
  [
    'secretAccessKey',
    'sessionToken',
    'webIdentityToken',
    'SAMLAssertion',
    'SAMLResponse',
    'tokenCode',
    'authenticationCode1',
    'authenticationCode2',
    'base32StringSeed',
    'QRCodePNG',
    'password',
    'secret',
    'signinToken',
    'session',
  ].map((k) => k.toLowerCase()),
);

/** Matches a JSON member whose name is a secret key (any case): `"sessionToken":`. */
const SECRET_MEMBER = new RegExp(`"(?:${[...SECRET_KEYS].join('|')})"\\s*:`, 'i');

/**
 * The event as JSON, without any secret member. The common case — nothing to remove — costs one
 * stringify and one scan; only when a secret-named member is present is the event copied without it.
 */
export function serializeScrubbed(event: object): string {
  const json = JSON.stringify(event);
  return SECRET_MEMBER.test(json) ? JSON.stringify(scrubSecrets(event)) : json;
}

export function scrubSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(scrubSecrets) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.has(k.toLowerCase())) continue;
      out[k] = scrubSecrets(v);
    }
    return out as T;
  }
  return value;
}
