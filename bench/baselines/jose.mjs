/**
 * Baseline `node:http+jose`: parses the form, verifies the ID token (RS256) with jose against the
 * local key set — the same JWKS file the broker is given — and returns a fixed XML answer.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { serve, fixedXml } from './common.mjs';

const jwks = createLocalJWKSet(JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8')));
const issuer = process.env.OIDC_ISSUER;
const audience = process.env.OIDC_AUDIENCE;
const xml = fixedXml('<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult/></AssumeRoleWithWebIdentityResponse>');

serve(async (_req, body) => {
  const form = new URLSearchParams(body.toString('utf8'));
  await jwtVerify(form.get('WebIdentityToken') ?? '', jwks, { issuer, audience });
  return { status: 200, type: 'text/xml', body: xml };
});
