/**
 * `fedbroker revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT`: sessions issued
 * before now stop working on every broker instance sharing the store (they poll it every 500 ms).
 * Every revocation is an audit event. A target that cannot name anything (not a role ARN, not a
 * temporary access key id) is refused, so an operator never believes a typo revoked something.
 */
import { parseRoleArn } from '../credentials/arns.js';
import { isTemporaryAccessKeyId } from '../credentials/ids.js';
import { openStore } from '../store/index.js';
import { RevocationCache, subjectKey } from '../sessions/revocations.js';
import { loadConfigFromArgs, type CliArgs } from './args.js';
import { recordOperatorEvent } from './operatorAudit.js';

const USAGE = 'usage: fedbroker revoke role ARN | session ACCESS_KEY_ID | subject PROVIDER SUBJECT [--config FILE]\n';

/** A provider given by name or by ARN (…:saml-provider/NAME, …:oidc-provider/NAME) → its name. */
function providerName(value: string): string {
  const m = /^arn:[^:]+:iam::\d{12}:(?:saml|oidc)-provider\/(.+)$/.exec(value);
  return m ? m[1]! : value;
}

export async function revoke(args: CliArgs, rest: string[]): Promise<number> {
  const [scope, a, b] = rest;
  let target: string | undefined;
  let problem: string | undefined;
  if (scope === 'role' && a !== undefined) {
    target = a;
    if (parseRoleArn(a) === null) problem = `${a} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)`;
  } else if (scope === 'session' && a !== undefined) {
    target = a;
    if (!isTemporaryAccessKeyId(a)) problem = `${a} is not a temporary access key id (ASIA…, 20 characters)`;
  } else if (scope === 'subject' && a !== undefined && b !== undefined) {
    target = subjectKey(providerName(a), b);
  }
  if (target === undefined || (scope !== 'role' && scope !== 'session' && scope !== 'subject')) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (problem !== undefined) {
    process.stderr.write(`fedbroker revoke: ${problem}\n${USAGE}`);
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const store = await openStore(loaded.config.store, { baseDir: loaded.baseDir });
  try {
    const revocation = await new RevocationCache(store).revoke(scope, target);
    const issuedBefore = new Date(revocation.issuedBefore).toISOString();
    await recordOperatorEvent(loaded, store, {
      name: 'RevokeSessions',
      command: 'fedbroker revoke',
      requestParameters: { scope, ...(scope === 'subject' ? { provider: providerName(a!), subject: b } : { target }) },
      responseElements: { issuedBefore },
    });
    process.stdout.write(`Revoked ${scope} ${target}: sessions issued before ${issuedBefore} are refused.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
