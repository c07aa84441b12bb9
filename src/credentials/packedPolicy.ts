/**
 * Session policy size limits, as AWS states them (its packing format is undisclosed):
 *
 * 1. Plaintext: the inline `Policy` plus the managed session policies must not exceed 2048 characters.
 *    The managed part counts the characters of the `PolicyArns` values (what the caller sends), unless
 *    the caller passes another count.
 * 2. Packed: fedbroker's packing is raw DEFLATE (level 9) of the minified policy JSON followed by each
 *    ARN on its own line, against a fixed budget of 1024 bytes. `PackedPolicySize` is the percentage of
 *    that budget used, rounded up; over 100 % is PackedPolicyTooLarge. With this budget a tiny policy
 *    uses ~9 %, a 2048-character policy of typical shape (repeated keys, actions, ARN prefixes) ~30–65 %,
 *    while text that does not compress (random bucket names, base64 blobs) stops fitting above ~1300
 *    characters.
 * 3. Session tags count too (AWS packs "inline policy + policy ARNs + tags" together): each tag adds a
 *    `key=value` line to the packed text. Tags alone over 100 % get AWS's "Packed size of session tags
 *    consumes N% of allotted space".
 */
import { deflateRawSync } from 'node:zlib';
import { PackedPolicyTooLarge, ValidationError } from '../errors.js';
import type { SessionTag } from './types.js';

export const MAX_SESSION_POLICY_PLAINTEXT = 2048;
export const MAX_POLICY_ARNS = 10;
export const PACKED_POLICY_BUDGET_BYTES = 1024;

/**
 * The PackedPolicySize percentage for a session policy and session tags; undefined when there are
 * neither (AWS then omits the element). Throws ValidationError (more than 10 ARNs, inline policy over
 * 2048 characters) or PackedPolicyTooLarge (plaintext over 2048 characters, packed over 100 %).
 */
export function packedPolicySize(
  inlinePolicyText: string | undefined,
  policyArns: readonly string[],
  managedPolicyChars?: number,
  tags: readonly SessionTag[] = [],
): number | undefined {
  if (inlinePolicyText === undefined && policyArns.length === 0 && tags.length === 0) return undefined;
  if (policyArns.length > MAX_POLICY_ARNS) {
    throw new ValidationError(
      `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  const inlineChars = inlinePolicyText?.length ?? 0;
  if (inlineChars > MAX_SESSION_POLICY_PLAINTEXT) {
    throw new ValidationError(
      `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_POLICY_PLAINTEXT}`,
    );
  }
  const managedChars = managedPolicyChars ?? policyArns.reduce((sum, arn) => sum + arn.length, 0);
  if (inlineChars + managedChars > MAX_SESSION_POLICY_PLAINTEXT) {
    throw new PackedPolicyTooLarge(
      `The session policies' plaintext (Policy plus PolicyArns) is ${inlineChars + managedChars} characters, more than the ${MAX_SESSION_POLICY_PLAINTEXT} allowed, please use a smaller policy`,
    );
  }
  const tagText = tags.map((t) => `\n${t.key}=${t.value}`).join('');
  if (tags.length > 0) {
    const tagPercent = percentOf(tagText);
    if (tagPercent > 100) throw new PackedPolicyTooLarge(`Packed size of session tags consumes ${tagPercent}% of allotted space`);
  }
  const percent = percentOf(packingText(inlinePolicyText, policyArns) + tagText);
  if (percent > 100) {
    throw new PackedPolicyTooLarge(
      tags.length > 0
        ? `Packed size of session policies and tags consumes ${percent}% of allotted space, please use a smaller policy or fewer tags`
        : `The packed policy consumes ${percent}% of allotted space, please use a smaller policy`,
    );
  }
  return percent;
}

function percentOf(text: string): number {
  const packed = deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }).length;
  return Math.ceil((packed * 100) / PACKED_POLICY_BUDGET_BYTES);
}

/** Minified JSON when it parses (white space does not count, as IAM sizes policies), else the text as given. */
function packingText(inline: string | undefined, arns: readonly string[]): string {
  let text = '';
  if (inline !== undefined) {
    try {
      text = JSON.stringify(JSON.parse(inline));
    } catch {
      text = inline;
    }
  }
  for (const arn of arns) text += `\n${arn}`;
  return text;
}
