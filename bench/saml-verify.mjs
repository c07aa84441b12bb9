/**
 * Microbenchmark of SAML validation alone, in one process: no HTTP, no store, no policy. It measures
 * the built broker (`dist/`, so run `npm run build` first) on the same Responses as the HTTP bench
 * (lib/saml.mjs: ~4 KB Assertion, RSA-2048/SHA-256, exc-c14n, signed with xml-crypto):
 *
 *   signature      verifyEnvelopedSignature on an already parsed document (c14n, digest, RSA verify)
 *   parse+verify   base64 → raw-input checks → one parse → structure → signature policy → verify
 *   validate       SamlValidator.validate, the whole pipeline (replay claim answered in memory)
 *   node-saml      validatePostResponseAsync, the library as the HTTP bench's baseline uses it
 *
 * Each stage runs sequentially for BENCH_MICRO_SECONDS (default 5) after a 1 s warm-up and reports
 * operations per CPU-second of this process (process.cpuUsage: user + system), the figure that does
 * not depend on what other tenants of a shared machine do, and µs of CPU per operation.
 *
 *   npm run build && taskset -c 0 node bench/saml-verify.mjs
 *   BENCH_SAML_SIGN=both BENCH_SAML_KEYINFO=1 node bench/saml-verify.mjs
 *   BENCH_MICRO_STAGES=validate node --cpu-prof bench/saml-verify.mjs     (some stages only)
 *
 * Writes bench/results/saml-verify.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { createIdpKeys, metadataXml, signResponse, sizes, unsignedResponse } from './lib/saml.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(REPO, 'dist', p));
const { SamlValidator } = await dist('federation/saml/validate.js');
const { parseMetadata } = await dist('federation/saml/metadata.js');
const { parseXml, childElements, NS } = await dist('federation/saml/xml.js');
const { checkDocumentStructure } = await dist('federation/saml/checks/structure.js');
const { checkSignatureAlgorithms } = await dist('federation/saml/checks/signaturePolicy.js');
const { checkNesting, checkNoDoctype, decodeResponse } = await dist('federation/saml/checks/input.js');
const { XmlDsigVerifier } = await dist('federation/saml/checks/signature.js');
const { verifyEnvelopedSignature } = await dist('federation/saml/xmldsig/verify.js');

const SECONDS = Number(process.env.BENCH_MICRO_SECONDS ?? 5);
const SIGN = process.env.BENCH_SAML_SIGN === 'both' ? 'both' : 'assertion';
const KEY_INFO = process.env.BENCH_SAML_KEYINFO === '1';
const ACS = 'https://broker.bench.test/saml';
const SP_ENTITY = 'https://broker.bench.test/saml/metadata';
const IDP = 'https://idp.bench.test/saml/metadata';

const dir = mkdtempSync(join(tmpdir(), 'fedbroker-saml-micro-'));
try {
  const keys = createIdpKeys(dir);
  const metadata = parseMetadata(metadataXml(IDP, keys.certBase64));
  const options = { issuer: IDP, acsUrl: ACS, audience: SP_ENTITY, roleArn: 'arn:aws:iam::111122223333:role/SamlBench', providerArn: 'arn:aws:iam::111122223333:saml-provider/BenchIdp', nameId: 'alice@example.com' };
  const pool = Array.from({ length: 64 }, () => signResponse(unsignedResponse(options), keys, SIGN, KEY_INFO));
  const pool64 = pool.map((xml) => Buffer.from(xml).toString('base64'));
  const size = sizes(pool[0]);

  const sp = { entityId: SP_ENTITY, acsUrl: ACS, clockSkewSeconds: 120, account: '111122223333', partition: 'aws', maxResponseBytes: 262_144 };
  const provider = { name: 'BenchIdp', metadata, enabled: true, allowIdpInitiated: true, requireSignedAssertion: true, allowSha1: false, mfaAuthnContexts: [] };
  const validator = new SamlValidator(sp, [provider]);
  const verifier = new XmlDsigVerifier();
  const library = new SAML({
    callbackUrl: ACS, issuer: SP_ENTITY, audience: SP_ENTITY, idpCert: keys.certPem,
    wantAuthnResponseSigned: SIGN === 'both', wantAssertionsSigned: true, acceptedClockSkewMs: 120_000,
    validateInResponseTo: ValidateInResponseTo.never,
  });
  const claim = { claimAssertionId: async () => true };
  const keyObjects = metadata.signingKeys.map((k) => k.publicKey);

  /** Parse and read the pinned signatures once (for the signature-only stage). */
  const parsed = pool.map((xml) => {
    const envelope = checkDocumentStructure(parseXml(xml));
    const sig = childElements(envelope.assertion, NS.ds, 'Signature')[0];
    return {
      envelope,
      assertion: checkSignatureAlgorithms(sig, envelope.assertion, false),
      response: envelope.signature ? checkSignatureAlgorithms(envelope.signature, envelope.response, false) : undefined,
    };
  });

  const stages = {
    signature: async (i) => {
      const p = parsed[i % parsed.length];
      if (p.response && !verifyEnvelopedSignature(p.response, p.envelope.response, keyObjects)) throw new Error('invalid');
      if (!verifyEnvelopedSignature(p.assertion, p.envelope.assertion, keyObjects)) throw new Error('invalid');
    },
    'parse+verify': async (i) => {
      const { xml, bytes } = decodeResponse(pool64[i % pool64.length], sp.maxResponseBytes);
      checkNoDoctype(xml);
      checkNesting(xml);
      const envelope = checkDocumentStructure(parseXml(xml));
      const sig = childElements(envelope.assertion, NS.ds, 'Signature')[0];
      await verifier.verify({
        metadata, bytes, envelope, assertion: envelope.assertion, requireSignedAssertion: true,
        assertionSignature: checkSignatureAlgorithms(sig, envelope.assertion, false),
        ...(envelope.signature ? { responseSignature: checkSignatureAlgorithms(envelope.signature, envelope.response, false) } : {}),
      });
    },
    validate: async (i) => {
      await validator.validate(pool64[i % pool64.length], claim);
    },
    'node-saml': async (i) => {
      await library.validatePostResponseAsync({ SAMLResponse: pool64[i % pool64.length] });
    },
  };

  const results = {};
  console.log(`SAML validation microbenchmark: ${SECONDS} s per stage, Response ${size.responseBytes} B (Assertion ${size.assertionBytes} B), signed: ${SIGN}, KeyInfo: ${KEY_INFO}`);
  const only = process.env.BENCH_MICRO_STAGES?.split(',');
  for (const [name, fn] of Object.entries(stages)) {
    if (only && !only.includes(name)) continue;
    await run(fn, 1);
    const r = await run(fn, SECONDS);
    results[name] = r;
    console.log(`${name.padEnd(14)} ${String(Math.round(r.perCpuSecond)).padStart(7)} per CPU-second  ${r.cpuMicrosPerOp.toFixed(0).padStart(6)} µs CPU/op  (${r.ops} ops, CPU ${(r.cpuUtil * 100).toFixed(0)} % of wall)`);
  }
  const out = join(REPO, 'bench', 'results', 'saml-verify.json');
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, seconds: SECONDS, sign: SIGN, keyInfo: KEY_INFO, ...size, stages: results }, null, 2)}\n`);
  console.log(`written ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Run `fn` sequentially for `seconds`; operations per CPU-second of this process. */
async function run(fn, seconds) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ops = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let k = 0; k < 16; k++) await fn(ops++);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { ops, perCpuSecond: ops / (cpuMs / 1000), cpuMicrosPerOp: (cpuMs * 1000) / ops, perWallSecond: ops / (wallMs / 1000), cpuUtil: cpuMs / wallMs };
}
