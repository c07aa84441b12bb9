/**
 * Baseline `node:http`: reads the body and returns a fixed XML answer (GetCallerIdentity's baseline).
 * Also answers the federation endpoint's two console sign-in requests with fixed responses, for the
 * ConsoleSignin baseline: getSigninToken → {"SigninToken": …}, login → 302 to the destination; and
 * the SSO portal's GetRoleCredentials with a fixed JSON answer (the broker's own, BASELINE_JSON_FILE).
 */
import { readFileSync } from 'node:fs';
import { serve, fixedXml } from './common.mjs';

const xml = fixedXml(
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    '<Arn>arn:aws:sts::123456789012:assumed-role/WebBench/bench</Arn><UserId>AROAEXAMPLEEXAMPLE123:bench</UserId><Account>123456789012</Account>' +
    '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
);
const signinToken = JSON.stringify({ SigninToken: 'x'.repeat(600) });
const roleCredentials = process.env.BASELINE_JSON_FILE ? readFileSync(process.env.BASELINE_JSON_FILE, 'utf8') : '{"roleCredentials":{}}';

serve(async (req) => {
  if (req.url.startsWith('/sso-portal/')) return { status: 200, type: 'application/json', body: roleCredentials };
  if (req.url.startsWith('/federation?')) {
    const q = new URLSearchParams(req.url.slice('/federation?'.length));
    if (q.get('Action') === 'getSigninToken') return { status: 200, type: 'application/json', body: signinToken };
    return { status: 302, type: 'text/plain', body: '', headers: { location: q.get('Destination') ?? '/', 'set-cookie': 'fedbroker_session=x; HttpOnly; Path=/' } };
  }
  return { status: 200, type: 'text/xml', body: xml };
});
