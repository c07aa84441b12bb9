/**
 * Server-rendered HTML: escaping (every value shown in a page goes through `escapeHtml`) and the
 * common page layout. Pages carry a strict Content-Security-Policy (no inline script except the
 * auto-submit forms, which use a per-response nonce).
 */
import { randomBytes } from 'node:crypto';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

/** Tagged template that escapes every interpolated value unless it is `raw(…)`. */
export class RawHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function raw(html: string): RawHtml {
  return new RawHtml(html);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new RawHtml(out);
}

function render(v: unknown): string {
  if (v instanceof RawHtml) return v.html;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(String(v));
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export const STYLE = `body{font-family:system-ui,-apple-system,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1d2329;line-height:1.45}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid #dde;margin-bottom:1rem}
h1{font-size:1.4rem}code,pre,textarea{font-family:ui-monospace,monospace;font-size:.9rem}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
.card{border:1px solid #dde;border-radius:6px;padding:1rem;margin:.75rem 0}.muted{color:#667}.error{color:#a21}.notice{color:#1d6b35}
fieldset{border:0;padding:0;margin:0}fieldset:disabled{opacity:.55}button:disabled{cursor:not-allowed}
button{padding:.45rem .9rem;border-radius:4px;border:1px solid #446;background:#2b4d7d;color:#fff;cursor:pointer}
label{display:block;margin:.4rem 0}input[type=text]{padding:.35rem;font-size:1rem;width:8rem}table{border-collapse:collapse}td,th{padding:.25rem .6rem;text-align:left;border-bottom:1px solid #eee}ul.tags{margin:0;padding-left:1.1rem}
button.secondary{background:#fff;color:#2b4d7d}.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.actions form{margin:0}
.role{border-top:1px solid #eee;padding:.6rem 0}.copyable{position:relative}.copyable button{float:right;margin:0 0 .3rem .5rem}.roles{list-style:none;padding:0;margin:0}.scroll{overflow-x:auto;max-width:100%}p code{overflow-wrap:anywhere}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem;margin:.2rem 0}:focus-visible{outline:3px solid #e8a317;outline-offset:2px}.code{font-family:ui-monospace,monospace;font-size:1.3rem;letter-spacing:.1em}`;

export function layout(title: string, body: RawHtml, options: { nonce?: string; banner?: string } = {}): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · fedbroker</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><style${options.nonce ? raw(` nonce="${options.nonce}"`) : raw('')}>${raw(STYLE)}</style></head>
<body><header><h1>${title}</h1><span class="muted">fedbroker</span></header>${options.banner ? html`<p class="error"><strong>${options.banner}</strong></p>` : ''}${body}</body></html>`.html;
}

/** Content-Security-Policy for a page; `nonce` allows the one auto-submit script of a page. */
/**
 * `formTargets`: origins a form of the page may end up at besides this one. Browsers apply
 * form-action to the redirects that follow a form post too, so a sign-in step whose answer is a
 * redirect to an allow-listed app on another origin must name that origin.
 */
export function contentSecurityPolicy(nonce?: string, formTargets: readonly string[] = []): string {
  const script = nonce ? `'nonce-${nonce}'` : "'none'";
  const style = nonce ? `'nonce-${nonce}'` : "'unsafe-inline'";
  const forms = ["'self'", ...formTargets].join(' ');
  return `default-src 'none'; img-src 'self' data:; style-src ${style}; script-src ${script}; form-action ${forms}; frame-ancestors 'none'; base-uri 'none'`;
}
