/**
 * Differential test of SAML signature verification. The broker verifies XML signatures itself
 * (src/federation/saml/xmldsig/: xml-crypto's exclusive c14n on its own parse + node:crypto). Every
 * document of differentialCases.ts — bases of many shapes and algorithms, a catalogue of mutations
 * of each, refused signature shapes, one case per security.md SAML row — goes through:
 *
 *   A  the broker's pipeline with its own verifier (XmlDsigVerifier);
 *   B  the same pipeline with node-saml 5.1 verifying (LibrarySignatureVerifier: the library's own
 *      parse, xml-crypto's checkSignature, the Assertion re-read from the signed bytes);
 *   X  xmlsec1 --verify of each signature present at the pinned places, with the metadata
 *      certificate(s) only (`--enabled-key-data key-name`: KeyInfo never supplies the key).
 *
 * and must get: A's verdict = the case's expectation (and its error code where the case names one);
 * A and B the same verdict, the same error code, and for accepted documents the identical result
 * (subject, attributes, condition keys…); and wherever A got as far as verifying signatures, A's
 * cryptographic verdict = xmlsec1's. Documented exceptions: node-saml cannot verify ECDSA or
 * RSA-SHA384 and its parser turns U+0085/U+2028 into line feeds (xmlsec1 alone decides), xmlsec1 1.2
 * cannot verify RSA-PSS (node-saml alone decides) and cannot see a signature inside an
 * EncryptedAssertion.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { isAwsError } from '../../../src/errors.js';
import { XmlDsigVerifier } from '../../../src/federation/saml/checks/signature.js';
import type { SignatureVerifier, VerificationRequest } from '../../../src/federation/saml/checks/signature.js';
import { parseMetadata } from '../../../src/federation/saml/metadata.js';
import type { ParsedMetadata } from '../../../src/federation/saml/metadata.js';
import type { SamlServiceProviderSettings } from '../../../src/federation/saml/settings.js';
import { SamlValidator } from '../../../src/federation/saml/validate.js';
import type { ValidatedAssertion } from '../../../src/federation/saml/validate.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { LibrarySignatureVerifier } from '../../helpers/samlLibraryVerifier.js';
import { toBase64 } from '../../helpers/samlIdp.js';
import type { KeyPair } from '../../helpers/samlIdp.js';
import { ASSERTION_SIGNATURE_XPATH, DS, RESPONSE_SIGNATURE_XPATH, idp, keys, mutatedCases, signatureShapeAndSecurityCases } from './differentialCases.js';
import type { Case } from './differentialCases.js';
import { providerFor, SP } from './support.js';

const execFileAsync = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'fedbroker-saml-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Records how far a verifier got: 'not reached' when an earlier check refused the document. */
class Recording implements SignatureVerifier {
  outcome: 'not reached' | 'verified' | 'refused' = 'not reached';
  constructor(private readonly inner: SignatureVerifier) {}
  async verify(request: VerificationRequest): Promise<Element> {
    try {
      const assertion = await this.inner.verify(request);
      this.outcome = 'verified';
      return assertion;
    } catch (e) {
      this.outcome = 'refused';
      throw e;
    }
  }
}

type Outcome = { ok: true; value: ValidatedAssertion } | { ok: false; code: string; message: string };

const metadataCache = new Map<string, ParsedMetadata>();
function metadataFor(signingKeys: readonly KeyPair[]): ParsedMetadata {
  const id = signingKeys.map((k) => k.label).join('+');
  let md = metadataCache.get(id);
  if (!md) metadataCache.set(id, (md = parseMetadata(idp.metadataXml({ signingKeys }))));
  return md;
}

const libraryCache = new Map<string, LibrarySignatureVerifier>();
function libraryFor(sp: SamlServiceProviderSettings): LibrarySignatureVerifier {
  const id = JSON.stringify(sp);
  let v = libraryCache.get(id);
  if (!v) libraryCache.set(id, (v = new LibrarySignatureVerifier(sp)));
  return v;
}

async function validate(c: Case, verifier: SignatureVerifier): Promise<Outcome> {
  const sp = { ...SP, ...c.sp };
  const validator = new SamlValidator(sp, [providerFor(metadataFor(c.metadataKeys ?? [keys.idp]), c.provider)], verifier);
  const store = new MemoryStore();
  try {
    const value = await validator.validate(toBase64(c.xml), { claimAssertionId: (k, e) => store.claimOnce('saml-assertion', k, e), ...c.options });
    return { ok: true, value };
  } catch (e) {
    if (!isAwsError(e)) throw e;
    return { ok: false, code: e.code, message: e.message };
  }
}

/** The xmlsec1 XPaths of the signatures at the pinned places (Response, Response/Assertion) that xmlsec1 can see. */
function pinnedSignatures(c: Case): string[] {
  const root = new DOMParser().parseFromString(c.xml, 'text/xml').documentElement;
  const children = (el: Element | null | undefined) => {
    const out: Element[] = [];
    for (let n = el?.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
    return out;
  };
  const signed = (el: Element | undefined) => children(el).some((n) => n.namespaceURI === DS && n.localName === 'Signature');
  const assertion = children(root).find((n) => n.localName === 'Assertion');
  return [...(signed(root ?? undefined) ? [RESPONSE_SIGNATURE_XPATH] : []), ...(c.xmlsecCannotVerify !== 'assertion' && signed(assertion) ? [ASSERTION_SIGNATURE_XPATH] : [])];
}

const XMLSEC_ID_ATTRS = ['--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:Response', '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion'];

/**
 * The files among `files` whose signature at `xpath` xmlsec1 verifies with `key` alone (KeyInfo never
 * supplies a key). xmlsec1 takes many files per run but stops at the first that fails, so it runs
 * again from the file after that one.
 */
async function xmlsecVerified(files: readonly string[], key: KeyPair, xpath: string): Promise<Set<string>> {
  const verified = new Set<string>();
  let rest = [...files];
  while (rest.length > 0) {
    const args = ['--verify', '--enabled-key-data', 'key-name', '--pubkey-cert-pem', key.certPath, ...XMLSEC_ID_ATTRS, '--node-xpath', xpath];
    try {
      await execFileAsync('/usr/bin/xmlsec1', [...args, ...rest], { maxBuffer: 64 * 1024 * 1024 });
      for (const f of rest) verified.add(f);
      return verified;
    } catch (e) {
      const failed = /failed to verify file "([^"]+)"/.exec(String((e as { stderr?: string }).stderr ?? ''))?.[1];
      const at = failed === undefined ? -1 : rest.indexOf(failed);
      if (at < 0) throw new Error(`xmlsec1 failed without naming a file: ${String((e as Error).message).slice(0, 500)}`);
      for (const f of rest.slice(0, at)) verified.add(f);
      rest = rest.slice(at + 1);
    }
  }
  return verified;
}

/** xmlsec1's verdict per case: every pinned signature verifies with one of the case's metadata keys. */
async function xmlsecVerdicts(jobs: readonly { c: Case; file: string; xpaths: readonly string[] }[]): Promise<Map<string, boolean>> {
  const ok = new Map<string, boolean>(jobs.map((j) => [j.file, true]));
  await Promise.all([RESPONSE_SIGNATURE_XPATH, ASSERTION_SIGNATURE_XPATH].map(async (xpath) => {
    const byKeys = new Map<string, { keys: readonly KeyPair[]; files: string[] }>();
    for (const j of jobs.filter((job) => job.xpaths.includes(xpath))) {
      const metadataKeys = j.c.metadataKeys ?? [keys.idp];
      const id = metadataKeys.map((k) => k.label).join('+');
      if (!byKeys.has(id)) byKeys.set(id, { keys: metadataKeys, files: [] });
      byKeys.get(id)!.files.push(j.file);
    }
    // several xmlsec1 processes at a time: each run stops at the first document that fails
    const chunks = [...byKeys.values()].flatMap((group) => Array.from({ length: 3 }, (_, i) => ({ keys: group.keys, files: group.files.filter((_f, k) => k % 3 === i) })));
    await Promise.all(chunks.map(async (chunk) => {
      let unverified = chunk.files;
      for (const key of chunk.keys) {
        const verified = await xmlsecVerified(unverified, key, xpath);
        unverified = unverified.filter((f) => !verified.has(f));
      }
      for (const f of unverified) ok.set(f, false);
    }));
  }));
  return ok;
}

interface Report {
  problems: string[];
  cases: number;
  accepted: number;
  rejected: number;
  comparedWithXmlsec: number;
  comparedWithLibrary: number;
}

const show = (o: Outcome) => (o.ok ? 'accepted' : `${o.code} "${o.message}"`);

/** Run both pipelines on one case; returns what xmlsec1 must then check (the direct verifier ran). */
async function runCase(c: Case, index: number, report: Report): Promise<{ c: Case; file: string; xpaths: string[]; outcome: 'verified' | 'refused' } | undefined> {
  const direct = new Recording(new XmlDsigVerifier());
  const a = await validate(c, direct);
  const b = await validate(c, libraryFor({ ...SP, ...c.sp }));
  const say = (what: string) => report.problems.push(`${c.name}: ${what}`);

  report.cases++;
  if (a.ok) report.accepted++;
  else report.rejected++;
  if (a.ok !== c.valid) say(`expected ${c.valid ? 'acceptance' : 'rejection'}, got ${show(a)}`);
  if (!a.ok && c.code !== undefined && a.code !== c.code) say(`expected ${c.code}, got ${show(a)}`);

  if (!c.libraryDiffers) {
    report.comparedWithLibrary++;
    if (a.ok !== b.ok) say(`direct ${show(a)} but node-saml ${show(b)}`);
    else if (a.ok && b.ok && !isDeepStrictEqual(a.value, b.value)) say('accepted by both with different results');
    else if (!a.ok && !b.ok && a.code !== b.code) say(`direct ${show(a)} but node-saml ${show(b)}`);
  }

  if (direct.outcome === 'not reached' || c.xmlsecCannotVerify === 'all') return undefined;
  const xpaths = pinnedSignatures(c);
  if (xpaths.length === 0) return undefined;
  const file = join(work, `case-${index}.xml`);
  writeFileSync(file, c.xml);
  return { c, file, xpaths, outcome: direct.outcome };
}

describe('SAML signature verification: direct path vs node-saml vs xmlsec1', () => {
  it('agree on hundreds of signed, mutated and re-signed Responses, and each meets its expectation', async () => {
    const cases = [...mutatedCases(), ...signatureShapeAndSecurityCases()];
    const report: Report = { problems: [], cases: 0, accepted: 0, rejected: 0, comparedWithXmlsec: 0, comparedWithLibrary: 0 };
    const jobs = [];
    for (const [i, c] of cases.entries()) {
      const job = await runCase(c, i, report);
      if (job) jobs.push(job);
    }
    const xmlsec = await xmlsecVerdicts(jobs);
    for (const job of jobs) {
      report.comparedWithXmlsec++;
      const x = xmlsec.get(job.file)!;
      if (x !== (job.outcome === 'verified')) report.problems.push(`${job.c.name}: direct verifier ${job.outcome}, xmlsec1 ${x ? 'verified' : 'refused'}`);
    }
    const { problems, ...counts } = report;
    console.log(`SAML differential: ${JSON.stringify(counts)}`);
    expect(problems).toEqual([]);
    // the catalogue is what it claims to be: hundreds of cases, both verdicts, most compared with both oracles
    expect(report.cases).toBeGreaterThanOrEqual(300);
    expect(report.accepted).toBeGreaterThanOrEqual(100);
    expect(report.rejected).toBeGreaterThanOrEqual(150);
    expect(report.comparedWithXmlsec).toBeGreaterThanOrEqual(200);
    expect(report.comparedWithLibrary).toBeGreaterThanOrEqual(250);
  }, 300_000);

  it('refuse the same assertion presented twice (replay), on both paths', async () => {
    for (const xml of [idp.responseXml(), idp.responseXml({ sign: 'both' })]) {
      for (const verifier of [new XmlDsigVerifier(), libraryFor(SP)]) {
        const store = new MemoryStore();
        const validator = new SamlValidator(SP, [providerFor(metadataFor([keys.idp]))], verifier);
        const options = { claimAssertionId: (k: string, e: number) => store.claimOnce('saml-assertion', k, e) };
        await validator.validate(toBase64(xml), options);
        await expect(validator.validate(toBase64(xml), options)).rejects.toMatchObject({ code: 'IDPRejectedClaim', message: expect.stringMatching(/already been used|replay/i) as unknown });
      }
    }
  });
});
