/**
 * Session policies (inline `Policy` + `PolicyArns`): validated when received (MalformedPolicyDocument,
 * PackedPolicyTooLarge), stored inside the session token, and compiled again — through a bounded
 * cache — when a later request made with the session is authorised. They only ever narrow.
 */
import { MalformedPolicyDocument } from '../errors.js';
import type { BrokerModel } from '../config/model.js';
import { POLICY_LIMITS } from '../config/model.js';
import { packedPolicySize } from '../credentials/packedPolicy.js';
import type { SessionClaims, SessionTags } from '../credentials/types.js';
import { parsePolicy, PolicySyntaxError, type CompiledPolicy } from '../policy/index.js';

export interface ResolvedSessionPolicy {
  /** undefined: no session policy, so no extra limit. */
  readonly compiled: readonly CompiledPolicy[] | undefined;
  /** What the session token carries. */
  readonly stored: SessionClaims['sessionPolicy'];
  /** PackedPolicySize for the response; undefined with neither session policy nor tags (AWS omits it). */
  readonly packedPolicySize: number | undefined;
}

/** Session policies and the session's tags are packed together (AWS's PackedPolicySize). */
export function resolveSessionPolicy(model: BrokerModel, inline: string | undefined, policyArns: readonly string[], tags?: SessionTags): ResolvedSessionPolicy {
  if (inline === undefined && policyArns.length === 0) {
    return { compiled: undefined, stored: undefined, packedPolicySize: tags === undefined ? undefined : packedPolicySize(undefined, [], undefined, tags.tags) };
  }
  const compiled: CompiledPolicy[] = [];
  if (inline !== undefined) compiled.push(parsePolicy(inline, { kind: 'session', name: 'session', maxSize: POLICY_LIMITS.session }));
  const managed: string[] = [];
  for (const arn of policyArns) {
    const policy = model.managedPoliciesByArn.get(arn);
    if (policy === undefined) throw new MalformedPolicyDocument(`Policy ${arn} does not exist or is not attachable.`);
    compiled.push(policy.policy);
    managed.push(policy.name);
  }
  const packed = packedPolicySize(inline, policyArns, undefined, tags?.tags);
  return {
    compiled,
    stored: { ...(inline !== undefined ? { inline } : {}), ...(managed.length > 0 ? { managed } : {}) },
    packedPolicySize: packed,
  };
}

/** Compiles the session policies a token carries, caching by text (bounded; evaluation must stay cheap). */
export class SessionPolicyCache {
  /** null: the stored text no longer parses. */
  private readonly cache = new Map<string, CompiledPolicy | null>();

  constructor(private readonly maxEntries = 1000) {}

  /** undefined when the session has no session policy. Managed policies that were removed match nothing. */
  policiesOf(model: BrokerModel, stored: SessionClaims['sessionPolicy']): readonly CompiledPolicy[] | undefined {
    if (stored === undefined) return undefined;
    const out: CompiledPolicy[] = [];
    // A stored policy that no longer parses (the grammar grew stricter since the session was issued)
    // is left out: session policies are OR-ed, so one fewer only narrows — none left allows nothing.
    const inline = stored.inline === undefined ? null : this.inline(stored.inline);
    if (inline !== null) out.push(inline);
    for (const name of stored.managed ?? []) {
      const m = model.managedPolicies.get(name);
      if (m !== undefined) out.push(m.policy);
    }
    return out;
  }

  private inline(text: string): CompiledPolicy | null {
    const hit = this.cache.get(text);
    if (hit !== undefined) {
      // Refresh recency: Map keeps insertion order, so the oldest entry is first.
      this.cache.delete(text);
      this.cache.set(text, hit);
      return hit;
    }
    let compiled: CompiledPolicy | null;
    try {
      compiled = parsePolicy(text, { kind: 'session', name: 'session' });
    } catch (e) {
      if (!(e instanceof PolicySyntaxError)) throw e;
      compiled = null;
    }
    this.cache.set(text, compiled);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return compiled;
  }
}
