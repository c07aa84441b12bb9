/**
 * Which policy statements use session tags (`fedbroker simulate`): conditions on
 * `aws:PrincipalTag/…`, `aws:RequestTag/…`, `aws:TagKeys`, `sts:TransitiveTagKeys`, and policy
 * variables `${aws:PrincipalTag/…}` in resources or condition values.
 */
import { summarizeStatements, type CompiledPolicy } from '../../policy/index.js';

export interface TagUse {
  readonly policy: string;
  readonly index: number;
  readonly sid?: string;
  /** The tag-related keys the statement reads, lower-cased (e.g. aws:principaltag/department). */
  readonly keys: readonly string[];
}

const TAG_KEY = /^(aws:principaltag\/|aws:requesttag\/|aws:tagkeys$|sts:transitivetagkeys$)/;
const TAG_VARIABLE = /\$\{\s*(aws:(?:principaltag|requesttag)\/[^\s,}]+)/gi;

export function statementsUsingTags(policies: readonly CompiledPolicy[]): TagUse[] {
  const uses: TagUse[] = [];
  for (const policy of policies) {
    for (const s of summarizeStatements(policy)) {
      const keys = new Set(s.conditionKeys.filter((k) => TAG_KEY.test(k)));
      const texts = [...(s.resources ?? []), ...(s.notResources ?? []), ...s.conditions.flatMap((c) => c.values)];
      for (const text of texts) for (const m of text.matchAll(TAG_VARIABLE)) keys.add(m[1]!.toLowerCase());
      if (keys.size > 0) uses.push({ policy: policy.name, index: s.index, ...(s.sid !== undefined ? { sid: s.sid } : {}), keys: [...keys] });
    }
  }
  return uses;
}
