/** listAudit without a limit returns at most this many records (the mirror can grow large). */
export const DEFAULT_AUDIT_LIMIT = 1000;

/** The effective row limit of listAudit: a non-negative integer. */
export function auditLimit(limit: number | undefined): number {
  if (limit === undefined || Number.isNaN(limit)) return DEFAULT_AUDIT_LIMIT;
  if (limit === Infinity) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, Math.floor(limit));
}
