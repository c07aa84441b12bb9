/**
 * `fedbroker check-config --upstream`: which AWS identity fedbroker runs as — GetCallerIdentity on the
 * upstream STS with `upstream.credentials`, within `upstream.timeoutMs`. The identity's ARN is what
 * each AWS role's trust policy must name.
 */
import { isAwsError } from '../errors.js';
import type { UpstreamSettings } from '../upstream/settings.js';
import { UpstreamSts } from '../upstream/stsClient.js';

export async function upstreamIdentity(settings: UpstreamSettings | undefined): Promise<number> {
  if (settings === undefined) {
    process.stderr.write('check-config --upstream: the configuration has no upstream block\n');
    return 1;
  }
  const sts = new UpstreamSts(settings);
  try {
    const { output, requestId } = await sts.callerIdentity();
    const how = settings.credentials === 'default' ? 'the AWS SDK default credential chain' : 'upstream.credentials';
    process.stdout.write(
      `upstream: ${sts.endpoint} (region ${settings.region}) — fedbroker runs as ${output.Arn} ` +
        `(account ${output.Account}, user id ${output.UserId}; credentials from ${how}; request ${requestId})\n`,
    );
    return 0;
  } catch (e) {
    if (!isAwsError(e)) throw e;
    process.stderr.write(`check-config --upstream: ${e.code}: ${e.message}\n`);
    return 1;
  } finally {
    sts.close();
  }
}
