/**
 * Generates many distinct signed SAML Responses (xml-crypto, see saml.mjs) in worker threads, one per
 * core, before any measurement runs. Each result is the base64 of one Response.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { signResponse, unsignedResponse } from './saml.mjs';

/** @returns {Promise<string[]>} base64 Responses */
export async function generateSamlPool(count, { keys, responseOptions, sign = 'assertion', keyInfo = false, threads = availableParallelism() }) {
  if (count <= 0) return [];
  const per = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const n = Math.min(per, count - i * per);
      if (n <= 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        const w = new Worker(new URL(import.meta.url), { workerData: { n, keys: { keyPem: keys.keyPem, certPem: keys.certPem }, responseOptions, sign, keyInfo } });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => code !== 0 && reject(new Error(`SAML generator worker exited with ${code}`)));
      });
    }),
  );
  return parts.flat();
}

if (!isMainThread && workerData?.n) {
  const { n, keys, responseOptions, sign, keyInfo } = workerData;
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = Buffer.from(signResponse(unsignedResponse(responseOptions), keys, sign, keyInfo)).toString('base64');
  parentPort.postMessage(out);
}
