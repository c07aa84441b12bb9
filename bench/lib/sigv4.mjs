/**
 * A GetCallerIdentity request signed once with SigV4 (header auth, temporary credentials), as the AWS
 * SDK v3 sends it: POST / with a form body. @smithy/signature-v4 does the signing (with a node:crypto
 * hash); the signature stays valid for 15 minutes, so the same bytes are replayed by the generator.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

class Sha256 {
  constructor(secret) {
    this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.h.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

/** @returns {{ headers: Record<string,string>, body: string }} */
export async function signGetCallerIdentity({ host, credentials, region = 'us-east-1' }) {
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: host.split(':')[0],
    port: Number(host.split(':')[1]),
    path: '/',
    query: {},
    headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  return { headers: { ...signed.headers }, body };
}
