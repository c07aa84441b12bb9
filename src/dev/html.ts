/** Minimal HTML helpers for the development identity providers' pages. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}code,pre,textarea{font-family:ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto}</style>
</head><body><h1>${escapeHtml(title)}</h1><p><strong>Development only.</strong> Never enable devIdentityProviders in production.</p>${body}</body></html>`;
}
