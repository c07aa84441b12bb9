/**
 * SAML Response validation: one visible pipeline of small named checks (checks/*), composed in order
 * in `SamlValidator.validate`. Read that method top to bottom to audit the whole thing.
 *
 * Errors (src/errors.ts), as AWS answers them:
 * - a signature present that does not verify against the provider's metadata keys →
 *   InvalidIdentityToken "Response signature invalid";
 * - expired → ExpiredTokenException "Response has expired";
 * - no NameID → AccessDenied "Not authorized to perform sts:AssumeRoleWithSAML";
 * - decoded response over maxResponseBytes → RequestEntityTooLarge (413);
 * - URL metadata never fetched → IDPCommunicationError;
 * - everything else (malformed, DOCTYPE, too deep, unsigned, wrong Issuer/Destination/Recipient/
 *   Audience, signature wrapping, SHA-1, not yet valid, InResponseTo, replay…) → IDPRejectedClaim,
 *   with a message naming the check that failed.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim, isAwsError } from '../../errors.js';
import type { AssertedIdentity } from '../identity.js';
import { samlProviderArn } from '../../credentials/arns.js';
import { NS, childElements, parseXml, attr } from './xml.js';
import { currentMetadata } from './metadata.js';
import type { SamlProviderSettings, SamlServiceProviderSettings } from './settings.js';
import { buildConditionKeys, computeNameQualifier } from './conditionKeys.js';
import { checkNesting, checkNoDoctype, decodeResponse } from './checks/input.js';
import { checkDecryptedAssertionStructure, checkDocumentStructure } from './checks/structure.js';
import { decryptAssertion } from './checks/decrypt.js';
import { checkProviderEnabled, identifyProvider } from './checks/provider.js';
import { checkSignatureAlgorithms, checkSignaturePresence } from './checks/signaturePolicy.js';
import { XmlDsigVerifier } from './checks/signature.js';
import type { SignatureVerifier } from './checks/signature.js';
import { checkIssuer } from './checks/issuer.js';
import { checkDestination } from './checks/destination.js';
import { checkSubjectConfirmation } from './checks/subjectConfirmation.js';
import { checkAudience } from './checks/audience.js';
import { checkTimes } from './checks/times.js';
import { checkInResponseTo } from './checks/inResponseTo.js';
import { checkReplay } from './checks/replay.js';
import { readSubject } from './checks/subject.js';
import { isMfaAtIdp, readAttributes, readAuthnStatement, readAwsAttributes } from './checks/attributes.js';
import type { RolePair } from './checks/attributes.js';

export interface ValidateOptions {
  /** The provider the caller names (AssumeRoleWithSAML's PrincipalArn); its entity id must be the Issuer. */
  provider?: string;
  /** SP-initiated: resolves true when `id` was an outstanding request of ours, consuming it (once). */
  consumeRequestId?: (id: string) => Promise<boolean>;
  /** Records an assertion key until `expiresAt` (epoch ms): store.claimOnce; false = replay. */
  claimAssertionId: (key: string, expiresAt: number) => Promise<boolean>;
  /** Epoch ms for the time checks (default Date.now()). */
  now?: number;
}

export interface ValidatedAssertion {
  /** Configured provider name. */
  readonly provider: string;
  readonly identity: AssertedIdentity;
  /** `persistent`, `transient` or the full NameID Format URI (AssumeRoleWithSAML SubjectType). */
  readonly subjectType: string;
  /** Base64(SHA1(issuer + account + "/" + provider)) (AssumeRoleWithSAML NameQualifier). */
  readonly nameQualifier: string;
  /** SubjectConfirmationData Recipient (AssumeRoleWithSAML Audience; saml:aud). */
  readonly audience: string;
  readonly assertionId: string;
  /** Earliest NotOnOrAfter of Conditions and SubjectConfirmationData, epoch ms. */
  readonly notOnOrAfter: number;
  /** AuthnStatement@SessionNotOnOrAfter, epoch ms: hard cap for everything from this assertion. */
  readonly sessionNotOnOrAfter?: number;
  /** Every attribute: Name → values. */
  readonly attributes: ReadonlyMap<string, readonly string[]>;
  /** Values of https://aws.amazon.com/SAML/Attributes/Role, parsed. */
  readonly roleAttribute: readonly RolePair[];
  /** Role values that are not a role/provider ARN pair (reported, not thrown). */
  readonly malformedRoleValues: readonly string[];
  /** RoleSessionName attribute, raw (the caller validates it as AWS does). */
  readonly roleSessionName?: string;
  /** SessionDuration attribute, seconds (integer; range is the caller's). */
  readonly sessionDuration?: number;
  readonly sourceIdentity?: string;
  /** The request id this response answers (SP-initiated), undefined when IdP-initiated. */
  readonly inResponseTo?: string;
}

export class SamlValidator {
  private readonly sp: SamlServiceProviderSettings;
  private readonly decryptionKey: KeyObject | undefined;
  private readonly verifier: SignatureVerifier;
  private providers: readonly SamlProviderSettings[] = [];

  /** `verifier`: how signatures are checked (default: XmlDsigVerifier, on the pipeline's own parse). */
  constructor(sp: SamlServiceProviderSettings, providers: readonly SamlProviderSettings[], verifier: SignatureVerifier = new XmlDsigVerifier()) {
    this.sp = sp;
    this.decryptionKey = sp.decryptionKeyPem ? createPrivateKey(sp.decryptionKeyPem) : undefined;
    this.verifier = verifier;
    this.setProviders(providers);
  }

  /** Replace the providers (config reload): a removed or disabled provider is refused from now on. */
  setProviders(providers: readonly SamlProviderSettings[]): void {
    const names = new Set<string>();
    for (const p of providers) {
      if (names.has(p.name)) throw new Error(`duplicate SAML provider name ${p.name}`);
      names.add(p.name);
    }
    this.providers = [...providers];
  }

  async validate(samlResponseBase64: string, options: ValidateOptions): Promise<ValidatedAssertion> {
    try {
      return await this.runPipeline(samlResponseBase64, options);
    } catch (e) {
      // A failing store is a server fault: the caller's error goes out unchanged.
      if (e instanceof CallbackFailure) throw e.error;
      // Never a 500 or a TypeError on hostile input: anything unexpected is a rejection.
      if (isAwsError(e)) throw e;
      throw new IDPRejectedClaim('SAML response rejected: the response could not be validated');
    }
  }

  private async runPipeline(samlResponseBase64: string, rawOptions: ValidateOptions): Promise<ValidatedAssertion> {
    const options = guardCallbacks(rawOptions);
    const now = options.now ?? Date.now();
    const sp = this.sp;

    // 1. Raw input, before any parser.
    const { xml, bytes } = decodeResponse(samlResponseBase64, sp.maxResponseBytes);
    checkNoDoctype(xml);
    checkNesting(xml);

    // 2. Shape of the (untrusted) document: one Response, one Assertion, no wrapping.
    const envelope = checkDocumentStructure(parseOrReject(xml));
    const assertionInDocument = envelope.assertion ?? this.decryptedAssertion(envelope.encryptedAssertion!);

    // 3. Whose keys verify it, and is each signature present, well-formed and of an accepted algorithm.
    const provider = identifyProvider(issuerOf(assertionInDocument) ?? envelope.issuer, this.providers, options.provider);
    checkProviderEnabled(provider);
    const metadata = currentMetadata(provider.metadata);
    const assertionSignature = childElements(assertionInDocument, NS.ds, 'Signature')[0];
    const presence = checkSignaturePresence(envelope.signature, assertionSignature, provider.requireSignedAssertion);
    const signatures = {
      ...(envelope.signature ? { responseSignature: checkSignatureAlgorithms(envelope.signature, envelope.response, provider.allowSha1) } : {}),
      ...(assertionSignature ? { assertionSignature: checkSignatureAlgorithms(assertionSignature, assertionInDocument, provider.allowSha1) } : {}),
    };

    // 4. Cryptographic check; from here on only the signed Assertion is read (the node the digest covers).
    const assertion = await this.verifier.verify({
      metadata, bytes, envelope, assertion: assertionInDocument, ...signatures, requireSignedAssertion: provider.requireSignedAssertion,
    });

    // 5. What the signed Assertion says, checked against this provider and this SP.
    const issuer = checkIssuer(assertion, envelope.issuer, metadata.entityId);
    checkDestination(envelope.destination, sp.acsUrl);
    const confirmation = checkSubjectConfirmation(assertion, sp.acsUrl);
    checkAudience(assertion, sp.entityId);
    const window = checkTimes(assertion, confirmation, now, sp.clockSkewSeconds);
    const subject = readSubject(assertion);
    const attributes = readAttributes(assertion);
    const aws = readAwsAttributes(attributes);
    const authn = readAuthnStatement(assertion);
    const assertionId = attr(assertion, 'ID')!;

    // 6. Stateful checks last, so a response refused above consumes nothing.
    const inResponseTo = await checkInResponseTo({
      ...(envelope.inResponseTo !== undefined ? { response: envelope.inResponseTo } : {}),
      ...(confirmation.inResponseTo !== undefined ? { confirmation: confirmation.inResponseTo } : {}),
      responseSigned: presence.responseSigned,
      allowIdpInitiated: provider.allowIdpInitiated,
      ...(options.consumeRequestId ? { consumeRequestId: options.consumeRequestId } : {}),
    });
    await checkReplay(provider.name, assertionId, window.notOnOrAfter, sp.clockSkewSeconds, options.claimAssertionId);

    // 7. The result.
    const providerArn = samlProviderArn(sp.partition, sp.account, provider.name);
    const conditionKeys = buildConditionKeys({
      issuer,
      subject: subject.nameId,
      subjectType: subject.subjectType,
      recipient: confirmation.recipient,
      account: sp.account,
      providerName: provider.name,
      attributes,
    });
    const identity: AssertedIdentity = {
      type: 'saml',
      provider: provider.name,
      providerArn,
      subject: subject.nameId,
      issuer,
      mfaAtIdp: isMfaAtIdp(authn.classRefs, provider.mfaAuthnContexts),
      ...(authn.authenticatedAt !== undefined ? { authenticatedAt: authn.authenticatedAt } : {}),
      conditionKeys,
    };
    return {
      provider: provider.name,
      identity,
      subjectType: subject.subjectType,
      nameQualifier: computeNameQualifier(issuer, sp.account, provider.name),
      audience: confirmation.recipient,
      assertionId,
      notOnOrAfter: window.notOnOrAfter,
      ...(authn.sessionNotOnOrAfter !== undefined ? { sessionNotOnOrAfter: authn.sessionNotOnOrAfter } : {}),
      attributes,
      roleAttribute: aws.roleAttribute,
      malformedRoleValues: aws.malformedRoleValues,
      ...(aws.roleSessionName !== undefined ? { roleSessionName: aws.roleSessionName } : {}),
      ...(aws.sessionDuration !== undefined ? { sessionDuration: aws.sessionDuration } : {}),
      ...(aws.sourceIdentity !== undefined ? { sourceIdentity: aws.sourceIdentity } : {}),
      ...(inResponseTo !== undefined ? { inResponseTo } : {}),
    };
  }

  /** EncryptedAssertion → its Assertion, after the same raw-input and structure checks as a plain one. */
  private decryptedAssertion(encrypted: Element): Element {
    const plaintext = decryptAssertion(encrypted, this.decryptionKey);
    checkNoDoctype(plaintext);
    checkNesting(plaintext);
    const assertion = parseOrReject(plaintext).documentElement!;
    checkDecryptedAssertionStructure(assertion);
    return assertion;
  }
}

/** Marks an error thrown by a caller-supplied callback (the store), so validate() passes it through. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

function guardCallbacks(options: ValidateOptions): ValidateOptions {
  const guard = <A extends unknown[]>(fn: (...args: A) => Promise<boolean>) => (...args: A) =>
    Promise.resolve()
      .then(() => fn(...args))
      .catch((e: unknown) => {
        throw new CallbackFailure(e);
      });
  const { consumeRequestId, claimAssertionId } = options;
  return { ...options, claimAssertionId: guard(claimAssertionId), ...(consumeRequestId ? { consumeRequestId: guard(consumeRequestId) } : {}) };
}

function parseOrReject(xml: string) {
  try {
    return parseXml(xml);
  } catch {
    throw new IDPRejectedClaim('SAML response rejected: it is not well-formed XML');
  }
}

/** The (not yet trusted) Issuer of an Assertion, used only to pick the provider. */
function issuerOf(assertion: Element): string | undefined {
  const el = childElements(assertion, NS.saml, 'Issuer')[0];
  return el?.textContent?.trim() || undefined;
}
