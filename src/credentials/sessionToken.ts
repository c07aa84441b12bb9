/**
 * Session tokens: the SessionClaims, compactly encoded and sealed by the key ring (AES-256-GCM via
 * node:crypto, ~20 µs), as standard base64 like AWS tokens. Stateless: verifying a request needs no
 * store lookup.
 *
 * Plaintext layout (version 1):
 *   0x01 | core length (uint16 BE) | core JSON | [bulk encoding (1 byte) | bulk bytes]
 * - core: the identity and the secret, with short field names (see CoreJson).
 * - bulk (optional): session policies, context keys and session tags, the parts that grow. Raw DEFLATE when it is
 *   large and compresses, so a 2 KB session policy still gives a token well under 4096 bytes. The
 *   secret is never in the compressed stream (no compression oracle on it).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ExpiredToken, InvalidClientTokenId } from '../errors.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { FederatedIdentity, SessionClaims, SessionIssuer, SessionPrincipal, SessionTag } from './types.js';

export const SESSION_TOKEN_PURPOSE = 'session-token';
/** Far above any real token (a 2 KB incompressible policy gives ~3.3 KB); refuses junk early. */
export const MAX_SESSION_TOKEN_CHARS = 32_768;

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';

const PAYLOAD_VERSION = 1;
const BULK_RAW = 1;
const BULK_DEFLATE = 2;
/** Below this, compressing costs more time than the bytes it saves. */
const COMPRESS_FROM_BYTES = 512;
/** Inflating refuses to grow beyond this (a sealed token is ours, but stay bounded anyway). */
const MAX_BULK_BYTES = 256 * 1024;

const ISSUERS: readonly SessionIssuer[] = [
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
  'AssumeRole',
  'GetSessionToken',
  'GetFederationToken',
];

type PrincipalJson =
  | readonly ['R', string, string, string, string] // roleName, rolePath, roleId, sessionName
  | readonly ['U', string, string] // userName, userId
  | readonly ['U', string, string, string] // userName, userId, userPath (when not '/')
  | readonly ['F', string, string, string] // name, userName, userId
  | readonly ['F', string, string, string, string]; // name, userName, userId, userPath (when not '/')

interface CoreJson {
  k: string; // accessKeyId
  s: string; // secretAccessKey
  i: number; // issuedAt
  e: number; // expiresAt
  a: string; // account
  p: string; // partition
  t: number; // issuer, index in ISSUERS
  P: PrincipalJson;
  f?: readonly [FederatedIdentity['type'], string, string] | readonly [FederatedIdentity['type'], string, string, string]; // type, provider, subject, mfaSubject ('' = none)
  si?: string; // sourceIdentity
  m?: readonly [number] | readonly [number, string]; // mfa authenticatedAt, serial
  mw?: 1; // mfa done with a passkey (fedbroker:MfaMethod = webauthn)
  c?: 1; // chained
  n?: number; // notAfter
}

interface BulkJson {
  pi?: string; // sessionPolicy.inline
  pm?: readonly string[]; // sessionPolicy.managed
  x?: Readonly<Record<string, string | readonly string[]>>; // context
  g?: readonly (readonly [string, string])[]; // tags: [key, value]
  gt?: readonly string[]; // transitive tag keys
}

export function sealSessionToken(ring: KeyRing, claims: SessionClaims): string {
  const core = JSON.stringify(toCoreJson(claims));
  const coreBytes = Buffer.byteLength(core);
  if (coreBytes > 0xffff) throw new RangeError('Session claims are too large to seal');
  const bulkText = bulkJsonText(claims);
  const bulkBytes = bulkText === undefined ? 0 : Buffer.byteLength(bulkText);
  let packed: Buffer | undefined;
  if (bulkText !== undefined && bulkBytes >= COMPRESS_FROM_BYTES) {
    const deflated = deflateRawSync(Buffer.from(bulkText, 'utf8'));
    if (deflated.length < bulkBytes) packed = deflated;
  }
  // One buffer for the whole plaintext: header, core, then the bulk (raw or deflated).
  const bulkLength = bulkText === undefined ? 0 : 1 + (packed?.length ?? bulkBytes);
  const plaintext = Buffer.allocUnsafe(3 + coreBytes + bulkLength);
  plaintext[0] = PAYLOAD_VERSION;
  plaintext.writeUInt16BE(coreBytes, 1);
  plaintext.write(core, 3, 'utf8');
  if (bulkText !== undefined) {
    const at = 3 + coreBytes;
    if (packed !== undefined) {
      plaintext[at] = BULK_DEFLATE;
      packed.copy(plaintext, at + 1);
    } else {
      plaintext[at] = BULK_RAW;
      plaintext.write(bulkText, at + 1, 'utf8');
    }
  }
  return ring.seal(SESSION_TOKEN_PURPOSE, plaintext).toString('base64');
}

/**
 * The claims of a token this broker sealed (with any key still in the ring).
 * Throws InvalidClientTokenId (malformed, tampered, unknown key) or ExpiredToken (now >= expiresAt).
 */
export function openSessionToken(ring: KeyRing, token: string, now: number = Date.now()): SessionClaims {
  const claims = openSessionTokenAnyTime(ring, token);
  if (now >= claims.expiresAt * 1000) throw new ExpiredToken(EXPIRED_TOKEN);
  return claims;
}

/**
 * The claims of a token this broker sealed, whether or not the credentials have expired: a console
 * session started through the federation endpoint may outlive them (getSigninToken's SessionDuration,
 * G6634) and still needs to know whose session it is. Throws InvalidClientTokenId as openSessionToken.
 */
export function openSessionTokenAnyTime(ring: KeyRing, token: string): SessionClaims {
  if (token.length === 0 || token.length > MAX_SESSION_TOKEN_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) {
    throw new InvalidClientTokenId(INVALID_TOKEN);
  }
  let plaintext: Buffer;
  try {
    plaintext = ring.open(SESSION_TOKEN_PURPOSE, Buffer.from(token, 'base64'));
  } catch (e) {
    throw new InvalidClientTokenId(INVALID_TOKEN, { cause: e });
  }
  const claims = decodeClaims(plaintext);
  if (claims === undefined) throw new InvalidClientTokenId(INVALID_TOKEN);
  return claims;
}

// ---- encoding -----------------------------------------------------------------------------------

function toCoreJson(c: SessionClaims): CoreJson {
  const core: CoreJson = {
    k: c.accessKeyId,
    s: c.secretAccessKey,
    i: c.issuedAt,
    e: c.expiresAt,
    a: c.account,
    p: c.partition,
    t: ISSUERS.indexOf(c.issuer),
    P: toPrincipalJson(c.principal),
  };
  if (c.federated !== undefined) {
    const { type, provider, subject, mfaSubject } = c.federated;
    core.f = mfaSubject === undefined ? [type, provider, subject] : [type, provider, subject, mfaSubject ?? ''];
  }
  if (c.sourceIdentity !== undefined) core.si = c.sourceIdentity;
  if (c.mfa !== undefined) core.m = c.mfa.serial === undefined ? [c.mfa.authenticatedAt] : [c.mfa.authenticatedAt, c.mfa.serial];
  if (c.mfa?.method === 'webauthn') core.mw = 1;
  if (c.chained === true) core.c = 1;
  if (c.notAfter !== undefined) core.n = c.notAfter;
  return core;
}

function toPrincipalJson(p: SessionPrincipal): PrincipalJson {
  switch (p.kind) {
    case 'AssumedRole':
      return ['R', p.roleName, p.rolePath, p.roleId, p.sessionName];
    case 'User':
      return p.userPath !== undefined && p.userPath !== '/' ? ['U', p.userName, p.userId, p.userPath] : ['U', p.userName, p.userId];
    case 'FederatedUser':
      return p.userPath !== undefined && p.userPath !== '/' ? ['F', p.name, p.userName, p.userId, p.userPath] : ['F', p.name, p.userName, p.userId];
  }
}

/**
 * The bulk as JSON text (JSON.stringify(toBulkJson(c))), with the context's JSON kept per frozen context
 * object: the SSO portal issues session after session with one person's context (sso/issuer.ts).
 */
function bulkJsonText(c: SessionClaims): string | undefined {
  const context = c.context;
  if (context === undefined || !Object.isFrozen(context) || c.sessionPolicy !== undefined || (c.tags !== undefined && c.tags.tags.length > 0)) {
    const bulk = toBulkJson(c);
    return bulk === undefined ? undefined : JSON.stringify(bulk);
  }
  let text = contextJson.get(context);
  if (text === undefined) {
    const bulk = toBulkJson(c);
    text = bulk === undefined ? '' : JSON.stringify(bulk);
    contextJson.set(context, text);
  }
  return text === '' ? undefined : text;
}
const contextJson = new WeakMap<object, string>();

function toBulkJson(c: SessionClaims): BulkJson | undefined {
  const bulk: BulkJson = {};
  if (c.sessionPolicy?.inline !== undefined) bulk.pi = c.sessionPolicy.inline;
  if (c.sessionPolicy?.managed !== undefined) bulk.pm = c.sessionPolicy.managed;
  if (c.context !== undefined && Object.keys(c.context).length > 0) bulk.x = c.context;
  if (c.tags !== undefined && c.tags.tags.length > 0) {
    bulk.g = c.tags.tags.map((t) => [t.key, t.value] as const);
    if (c.tags.transitiveTagKeys.length > 0) bulk.gt = c.tags.transitiveTagKeys;
  }
  return bulk.pi === undefined && bulk.pm === undefined && bulk.x === undefined && bulk.g === undefined ? undefined : bulk;
}

// ---- decoding: returns undefined for anything that is not exactly what sealSessionToken wrote ----

function decodeClaims(plaintext: Buffer): SessionClaims | undefined {
  if (plaintext.length < 3 || plaintext[0] !== PAYLOAD_VERSION) return undefined;
  const coreEnd = 3 + plaintext.readUInt16BE(1);
  if (coreEnd > plaintext.length) return undefined;
  const core = parseJson(plaintext.subarray(3, coreEnd));
  const claims = core === undefined ? undefined : fromCoreJson(core);
  if (claims === undefined) return undefined;
  if (coreEnd === plaintext.length) return claims;
  const bulk = decodeBulk(plaintext[coreEnd]!, plaintext.subarray(coreEnd + 1));
  return bulk === undefined ? undefined : withBulk(claims, bulk);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function fromCoreJson(value: unknown): SessionClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const j = value as Partial<Record<keyof CoreJson, unknown>>;
  if (!isString(j.k) || !isString(j.s) || !isInt(j.i) || !isInt(j.e) || !isString(j.a) || !isString(j.p) || !isInt(j.t)) return undefined;
  const issuer = ISSUERS[j.t];
  const principal = fromPrincipalJson(j.P);
  if (issuer === undefined || principal === undefined) return undefined;
  const claims: { -readonly [K in keyof SessionClaims]: SessionClaims[K] } = {
    accessKeyId: j.k,
    secretAccessKey: j.s,
    issuedAt: j.i,
    expiresAt: j.e,
    account: j.a,
    partition: j.p,
    issuer,
    principal,
  };
  if (j.f !== undefined) {
    if (!isStringArray(j.f) || (j.f.length !== 3 && j.f.length !== 4) || (j.f[0] !== 'saml' && j.f[0] !== 'oidc')) return undefined;
    const mfaSubject = j.f.length === 4 ? { mfaSubject: j.f[3] === '' ? null : j.f[3]! } : {};
    claims.federated = { type: j.f[0], provider: j.f[1]!, subject: j.f[2]!, ...mfaSubject };
  }
  if (j.si !== undefined) {
    if (!isString(j.si)) return undefined;
    claims.sourceIdentity = j.si;
  }
  if (j.m !== undefined) {
    if (!Array.isArray(j.m) || !isInt(j.m[0]) || j.m.length > 2 || (j.m.length === 2 && !isString(j.m[1]))) return undefined;
    if (j.mw !== undefined && j.mw !== 1) return undefined;
    claims.mfa = { authenticatedAt: j.m[0], ...(j.m.length === 2 ? { serial: j.m[1] as string } : {}), ...(j.mw === 1 ? { method: 'webauthn' as const } : {}) };
  }
  if (j.c !== undefined) {
    if (j.c !== 1) return undefined;
    claims.chained = true;
  }
  if (j.n !== undefined) {
    if (!isInt(j.n)) return undefined;
    claims.notAfter = j.n;
  }
  return claims;
}

function fromPrincipalJson(value: unknown): SessionPrincipal | undefined {
  if (!isStringArray(value)) return undefined;
  const [kind, a, b, c, d] = value;
  if (kind === 'R' && value.length === 5) return { kind: 'AssumedRole', roleName: a!, rolePath: b!, roleId: c!, sessionName: d! };
  if (kind === 'U' && value.length === 3) return { kind: 'User', userName: a!, userId: b! };
  if (kind === 'U' && value.length === 4) return { kind: 'User', userName: a!, userId: b!, userPath: c! };
  if (kind === 'F' && value.length === 4) return { kind: 'FederatedUser', name: a!, userName: b!, userId: c! };
  if (kind === 'F' && value.length === 5) return { kind: 'FederatedUser', name: a!, userName: b!, userId: c!, userPath: d! };
  return undefined;
}

function decodeBulk(encoding: number, bytes: Buffer): BulkJson | undefined {
  let raw: Buffer;
  if (encoding === BULK_RAW) raw = bytes;
  else if (encoding === BULK_DEFLATE) {
    try {
      raw = inflateRawSync(bytes, { maxOutputLength: MAX_BULK_BYTES });
    } catch {
      return undefined;
    }
  } else return undefined;
  const value = parseJson(raw);
  if (typeof value !== 'object' || value === null) return undefined;
  const j = value as Partial<Record<keyof BulkJson, unknown>>;
  if (j.pi !== undefined && !isString(j.pi)) return undefined;
  if (j.pm !== undefined && !isStringArray(j.pm)) return undefined;
  if (j.x !== undefined) {
    if (typeof j.x !== 'object' || j.x === null || Array.isArray(j.x)) return undefined;
    for (const v of Object.values(j.x)) if (!isString(v) && !isStringArray(v)) return undefined;
  }
  if (j.g !== undefined && !(Array.isArray(j.g) && j.g.every((t) => isStringArray(t) && t.length === 2))) return undefined;
  if (j.gt !== undefined && (j.g === undefined || !isStringArray(j.gt))) return undefined;
  return j as BulkJson;
}

function withBulk(claims: SessionClaims, bulk: BulkJson): SessionClaims {
  const out: { -readonly [K in keyof SessionClaims]: SessionClaims[K] } = { ...claims };
  if (bulk.pi !== undefined || bulk.pm !== undefined) {
    out.sessionPolicy = {
      ...(bulk.pi !== undefined ? { inline: bulk.pi } : {}),
      ...(bulk.pm !== undefined ? { managed: bulk.pm } : {}),
    };
  }
  if (bulk.x !== undefined) out.context = bulk.x;
  if (bulk.g !== undefined) {
    const tags: SessionTag[] = bulk.g.map(([key, value]) => ({ key, value }));
    out.tags = { tags, transitiveTagKeys: bulk.gt ?? [] };
  }
  return out;
}
