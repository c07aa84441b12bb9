/**
 * Session tags in audit events, as CloudTrail writes them: AssumeRoleWithSAML/WithWebIdentity (and the
 * browser sign-in through them) `principalTags: {Key: value}` and `transitiveTagKeys`; AssumeRole and
 * GetFederationToken `tags: [{key, value}]`, `transitiveTagKeys` and (chaining)
 * `incomingTransitiveTags: {Key: value}`.
 */
import type { SessionTag, SessionTags } from '../../credentials/types.js';
import { tagObject } from './conditionKeys.js';

export function tagAuditParameters(
  shape: 'principalTags' | 'tags',
  tags: SessionTags | undefined,
  incoming: readonly SessionTag[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (tags !== undefined && tags.tags.length > 0) {
    out[shape] = shape === 'principalTags' ? { ...tagObject(tags.tags) } : tags.tags.map((t) => ({ key: t.key, value: t.value }));
    if (tags.transitiveTagKeys.length > 0) out['transitiveTagKeys'] = [...tags.transitiveTagKeys];
  }
  if (incoming.length > 0) out['incomingTransitiveTags'] = { ...tagObject(incoming) };
  return out;
}
