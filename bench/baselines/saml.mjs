/**
 * Baseline `node:http+node-saml`: parses the form and validates the SAML Response with
 * @node-saml/node-saml 5 (one SAML instance, built once, the IdP certificate given as PEM, the same
 * signature requirements and clock skew as the broker), then returns a fixed XML answer.
 * No replay cache, no attribute mapping, no policy: only the library's validation.
 */
import { readFileSync } from 'node:fs';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { serve, fixedXml } from './common.mjs';

const saml = new SAML({
  callbackUrl: process.env.SAML_ACS_URL,
  issuer: process.env.SAML_SP_ENTITY_ID,
  audience: process.env.SAML_SP_ENTITY_ID,
  idpCert: readFileSync(process.env.SAML_IDP_CERT, 'utf8'),
  wantAuthnResponseSigned: process.env.SAML_SIGN === 'both',
  wantAssertionsSigned: true,
  acceptedClockSkewMs: 120_000,
  validateInResponseTo: ValidateInResponseTo.never,
});
const xml = fixedXml('<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult/></AssumeRoleWithSAMLResponse>');

serve(async (_req, body) => {
  const form = new URLSearchParams(body.toString('utf8'));
  const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.get('SAMLAssertion') ?? '' });
  if (!profile) throw new Error('no profile');
  return { status: 200, type: 'text/xml', body: xml };
});
