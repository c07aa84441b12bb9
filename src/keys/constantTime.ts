/**
 * Comparing secrets (access key ids bound to tokens, secret keys, cookie bindings) in time that does not
 * depend on where they differ. Constant-time for equal lengths — a length is no secret here — and
 * without allocating, as it runs on every signed request.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
