/** Condition keys every request has, from the HTTP request itself (aws:CurrentTime, aws:SourceIp…). */
import type { RequestInfo } from '../../protocol/action.js';
import { isoSeconds } from '../../time.js';
import type { ContextValue } from '../../policy/types.js';

/**
 * aws:UserAgent carries at most the first 1,024 characters of the header, as AWS records it (CloudTrail
 * keeps 1 KB of userAgent): a policy is never matched against an arbitrarily long header.
 */
export const MAX_USER_AGENT_CHARS = 1024;

export function requestConditionKeys(request: Pick<RequestInfo, 'receivedAt' | 'secure' | 'sourceIp' | 'userAgent'>): Record<string, ContextValue> {
  const keys: Record<string, ContextValue> = {
    'aws:currenttime': isoSeconds(new Date(request.receivedAt)),
    'aws:epochtime': String(Math.floor(request.receivedAt / 1000)),
    'aws:securetransport': request.secure ? 'true' : 'false',
  };
  if (request.sourceIp !== '') keys['aws:sourceip'] = request.sourceIp;
  if (request.userAgent !== '') keys['aws:useragent'] = request.userAgent.slice(0, MAX_USER_AGENT_CHARS);
  return keys;
}
