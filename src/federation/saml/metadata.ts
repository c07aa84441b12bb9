/**
 * Identity-provider metadata: the entity id, the signing certificates (several while a key is being
 * rotated) and the SSO endpoints. Certificates are imported once here; nothing is parsed per request.
 *
 * Sources: a file (`loadMetadata({ file })`) or a URL (`loadMetadata({ url })` once, or a
 * `MetadataSource` that refreshes in the background and keeps the last good copy when a refresh fails).
 */
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Element } from '@xmldom/xmldom';
import { IDPCommunicationError } from '../../errors.js';
import { NS, attr, childElements, hasDoctypeOrEntity, parseXml, textOnly } from './xml.js';

/** Metadata that cannot be used. A plain Error: it surfaces at config load, not on the wire. */
export class SamlMetadataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SamlMetadataError';
  }
}

export interface SigningKey {
  /** Normalised PEM certificate (what the XML-DSig verifier is given). */
  readonly certificatePem: string;
  readonly publicKey: KeyObject;
  /** SHA-256 fingerprint, colon-separated hex, for logs and admin display. */
  readonly fingerprint256: string;
  /** RSA modulus or EC field size in bits. */
  readonly bits: number;
  readonly notAfter: string;
}

export interface ParsedMetadata {
  readonly entityId: string;
  /** Signing keys: KeyDescriptor use="signing" or without `use`; duplicates removed; never empty. */
  readonly signingKeys: readonly SigningKey[];
  /** The same certificates as PEM strings, in metadata order. */
  readonly signingCertificates: readonly string[];
  /** SingleSignOnService, HTTP-Redirect binding. */
  readonly ssoRedirectUrl?: string;
  /** SingleSignOnService, HTTP-POST binding. */
  readonly ssoPostUrl?: string;
  readonly wantAuthnRequestsSigned: boolean;
  /** `validUntil` of the descriptor, epoch ms, when present (informational: not enforced). */
  readonly validUntil?: number;
}

/** IAM's limit for a metadata document (CreateSAMLProvider SAMLMetadataDocument). */
export const MAX_METADATA_CHARS = 10_000_000;
const MIN_RSA_BITS = 1024;
const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** Parse an IdP metadata document. Throws SamlMetadataError saying what is wrong. */
export function parseMetadata(text: string): ParsedMetadata {
  const xml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (xml.length > MAX_METADATA_CHARS) throw new SamlMetadataError(`Unable to parse metadata: larger than ${MAX_METADATA_CHARS} characters`);
  if (hasDoctypeOrEntity(xml)) throw new SamlMetadataError('Unable to parse metadata: DOCTYPE and entity declarations are not allowed');
  let root: Element;
  try {
    root = parseXml(xml).documentElement!;
  } catch (e) {
    throw new SamlMetadataError('Unable to parse metadata: the document does not parse as XML', { cause: e });
  }
  const entity = findIdpEntity(root);
  const entityId = attr(entity, 'entityID');
  if (!entityId) throw new SamlMetadataError('Unable to parse metadata: EntityDescriptor has no entityID');
  const idp = findIdpDescriptor(entity);

  const signingKeys = readSigningKeys(idp);
  if (signingKeys.length === 0) throw new SamlMetadataError(`Unable to parse metadata: no signing key for ${entityId}`);

  const sso = childElements(idp, NS.md, 'SingleSignOnService');
  const ssoRedirectUrl = sso.find((s) => attr(s, 'Binding') === BINDING_REDIRECT)?.getAttribute('Location') ?? undefined;
  const ssoPostUrl = sso.find((s) => attr(s, 'Binding') === BINDING_POST)?.getAttribute('Location') ?? undefined;
  const validUntilText = attr(entity, 'validUntil') ?? attr(root, 'validUntil');
  const validUntil = validUntilText === undefined ? undefined : Date.parse(validUntilText);

  return {
    entityId,
    signingKeys,
    signingCertificates: signingKeys.map((k) => k.certificatePem),
    ...(ssoRedirectUrl ? { ssoRedirectUrl } : {}),
    ...(ssoPostUrl ? { ssoPostUrl } : {}),
    wantAuthnRequestsSigned: attr(idp, 'WantAuthnRequestsSigned') === 'true',
    ...(validUntil !== undefined && Number.isFinite(validUntil) ? { validUntil } : {}),
  };
}

/** The one EntityDescriptor with an IDPSSODescriptor (an aggregate may hold only one IdP). */
function findIdpEntity(root: Element): Element {
  if (root.namespaceURI === NS.md && root.localName === 'EntityDescriptor') return root;
  if (root.namespaceURI !== NS.md || root.localName !== 'EntitiesDescriptor') {
    throw new SamlMetadataError('Unable to parse metadata: the root element is not a SAML 2.0 EntityDescriptor');
  }
  const idps: Element[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const group = pending.pop()!;
    pending.push(...childElements(group, NS.md, 'EntitiesDescriptor'));
    idps.push(...childElements(group, NS.md, 'EntityDescriptor').filter((e) => childElements(e, NS.md, 'IDPSSODescriptor').length > 0));
  }
  if (idps.length !== 1) throw new SamlMetadataError(`Unable to parse metadata: it describes ${idps.length} identity providers, one is expected`);
  return idps[0]!;
}

function findIdpDescriptor(entity: Element): Element {
  const descriptors = childElements(entity, NS.md, 'IDPSSODescriptor');
  const saml2 = descriptors.find((d) => (attr(d, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL));
  if (!saml2) throw new SamlMetadataError('Unable to parse metadata: no IDPSSODescriptor supporting SAML 2.0');
  return saml2;
}

function readSigningKeys(idp: Element): SigningKey[] {
  const keys: SigningKey[] = [];
  const seen = new Set<string>();
  for (const descriptor of childElements(idp, NS.md, 'KeyDescriptor')) {
    const use = attr(descriptor, 'use');
    if (use !== undefined && use !== 'signing') continue;
    for (const keyInfo of childElements(descriptor, NS.ds, 'KeyInfo')) {
      for (const data of childElements(keyInfo, NS.ds, 'X509Data')) {
        for (const certEl of childElements(data, NS.ds, 'X509Certificate')) {
          const key = importCertificate(textOnly(certEl) ?? '');
          if (seen.has(key.fingerprint256)) continue;
          seen.add(key.fingerprint256);
          keys.push(key);
        }
      }
    }
  }
  return keys;
}

/** Import one base64 DER certificate; refuse keys AWS refuses (RSA under 1024 bits) and non-RSA/EC keys. */
export function importCertificate(base64: string): SigningKey {
  const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (e) {
    throw new SamlMetadataError('Unable to parse metadata: a signing certificate does not parse', { cause: e });
  }
  const publicKey = cert.publicKey;
  const details = publicKey.asymmetricKeyDetails ?? {};
  let bits: number;
  if (publicKey.asymmetricKeyType === 'rsa' || publicKey.asymmetricKeyType === 'rsa-pss') {
    bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new SamlMetadataError(`Unable to parse metadata: the signing key has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
  } else if (publicKey.asymmetricKeyType === 'ec') {
    bits = ecBits(details.namedCurve);
  } else {
    throw new SamlMetadataError(`Unable to parse metadata: unsupported signing key type ${publicKey.asymmetricKeyType ?? 'unknown'}`);
  }
  return { certificatePem: cert.toString(), publicKey, fingerprint256: cert.fingerprint256, bits, notAfter: cert.validTo };
}

function ecBits(curve: string | undefined): number {
  switch (curve) {
    case 'prime256v1': return 256;
    case 'secp384r1': return 384;
    case 'secp521r1': return 521;
    default: throw new SamlMetadataError(`Unable to parse metadata: unsupported EC curve ${curve ?? 'unknown'}`);
  }
}

// ---- sources ---------------------------------------------------------------------------------

export interface MetadataFetchOptions {
  /** Abort a fetch after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Refuse bodies larger than this (default MAX_METADATA_CHARS). */
  maxBytes?: number;
}

/** Load metadata once from a file or a URL. */
export async function loadMetadata(source: { file?: string; url?: string } & MetadataFetchOptions): Promise<ParsedMetadata> {
  if ((source.file === undefined) === (source.url === undefined)) throw new SamlMetadataError('give exactly one of file or url');
  if (source.file !== undefined) {
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (e) {
      throw new SamlMetadataError(`cannot read metadata file ${source.file}`, { cause: e });
    }
    return parseMetadata(text);
  }
  return parseMetadata(await fetchMetadataText(source.url!, source));
}

async function fetchMetadataText(url: string, options: MetadataFetchOptions): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_METADATA_CHARS;
  let response: Response;
  try {
    // Redirects are not followed: one could lead from https to plain http (or anywhere else).
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000), redirect: 'manual' });
  } catch (e) {
    throw new SamlMetadataError(`cannot fetch metadata from ${url}`, { cause: e });
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    throw new SamlMetadataError(`cannot fetch metadata from ${url}: HTTP ${response.status} redirect (redirects are not followed; configure the final URL)`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new SamlMetadataError(`cannot fetch metadata from ${url}: HTTP ${response.status}`);
  }
  // Read with a cap: a hostile or broken endpoint must not fill memory.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader?.cancel().catch(() => undefined);
        throw new SamlMetadataError(`metadata from ${url} is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof SamlMetadataError) throw e;
    throw new SamlMetadataError(`cannot fetch metadata from ${url}`, { cause: e });
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface MetadataSourceOptions extends MetadataFetchOptions {
  url: string;
  /** Refresh period after a good fetch (default 3600 s). */
  refreshSeconds?: number;
  /** First retry delay after a failed fetch; doubles up to refreshSeconds (default 5 s). */
  retrySeconds?: number;
  /** Told about every failed refresh (for logs); the last good metadata stays in use. */
  onError?: (error: SamlMetadataError) => void;
  /** Told about every successful fetch. */
  onRefresh?: (metadata: ParsedMetadata) => void;
}

export interface MetadataSourceStats {
  readonly fetches: number;
  readonly failures: number;
  /** Epoch ms of the last good fetch, 0 when none. */
  readonly lastSuccessAt: number;
  /** Epoch ms of the last failed fetch, 0 when none. */
  readonly lastFailureAt: number;
}

/**
 * Metadata from a URL, refreshed in the background (unref'd timer: never keeps the process alive).
 * A failed refresh keeps the last good metadata and retries with back-off.
 */
export class MetadataSource {
  readonly url: string;
  private readonly options: MetadataSourceOptions;
  private last: ParsedMetadata | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight: Promise<boolean> | undefined;
  private nextRetrySeconds: number;
  private counters = { fetches: 0, failures: 0, lastSuccessAt: 0, lastFailureAt: 0 };

  constructor(options: MetadataSourceOptions) {
    this.url = options.url;
    this.options = options;
    this.nextRetrySeconds = options.retrySeconds ?? 5;
  }

  /** First fetch, then background refresh. Rejects with SamlMetadataError when the first fetch fails (refresh still retries). */
  async start(): Promise<ParsedMetadata> {
    this.stopped = false;
    await this.refresh();
    if (!this.last) throw new SamlMetadataError(`cannot load metadata from ${this.url}`);
    return this.last;
  }

  /** The last good metadata; IDPCommunicationError when none was ever fetched. */
  current(): ParsedMetadata {
    if (!this.last) throw new IDPCommunicationError('The identity provider metadata could not be retrieved; try again later');
    return this.last;
  }

  /** The last good metadata, or undefined. */
  get metadata(): ParsedMetadata | undefined {
    return this.last;
  }

  /** Fetch now (concurrent calls share one fetch). Resolves true when new metadata was stored. */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  stats(): MetadataSourceStats {
    return { ...this.counters };
  }

  private async fetchOnce(): Promise<boolean> {
    this.counters.fetches++;
    const refreshSeconds = this.options.refreshSeconds ?? 3600;
    try {
      const metadata = parseMetadata(await fetchMetadataText(this.url, this.options));
      this.last = metadata;
      this.counters.lastSuccessAt = Date.now();
      this.nextRetrySeconds = this.options.retrySeconds ?? 5;
      this.schedule(refreshSeconds);
      this.options.onRefresh?.(metadata);
      return true;
    } catch (e) {
      this.counters.failures++;
      this.counters.lastFailureAt = Date.now();
      const error = e instanceof SamlMetadataError ? e : new SamlMetadataError(`cannot load metadata from ${this.url}`, { cause: e });
      this.schedule(Math.min(this.nextRetrySeconds, refreshSeconds));
      this.nextRetrySeconds = Math.min(this.nextRetrySeconds * 2, refreshSeconds);
      this.options.onError?.(error);
      return false;
    }
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), seconds * 1000);
    this.timer.unref();
  }
}

/** The current metadata of a provider, whichever way it is held. */
export function currentMetadata(metadata: ParsedMetadata | MetadataSource): ParsedMetadata {
  return metadata instanceof MetadataSource ? metadata.current() : metadata;
}
