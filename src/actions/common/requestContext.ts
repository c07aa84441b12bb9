/** Condition keys every request has, from the HTTP request itself (aws:CurrentTime, aws:SourceIp…). */
import type { RequestInfo } from '../../protocol/action.js';
import { isoSeconds } from '../../time.js';
import type { ContextValue } from '../../policy/types.js';

export function requestConditionKeys(request: Pick<RequestInfo, 'receivedAt' | 'secure' | 'sourceIp' | 'userAgent'>): Record<string, ContextValue> {
  const keys: Record<string, ContextValue> = {
    'aws:currenttime': isoSeconds(new Date(request.receivedAt)),
    'aws:epochtime': String(Math.floor(request.receivedAt / 1000)),
    'aws:securetransport': request.secure ? 'true' : 'false',
  };
  if (request.sourceIp !== '') keys['aws:sourceip'] = request.sourceIp;
  if (request.userAgent !== '') keys['aws:useragent'] = request.userAgent;
  return keys;
}
