/**
 * AWS Query protocol responses: `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>`
 * in XML (Content-Type text/xml), or the same document as JSON when the client sends
 * `Accept: application/json` (Expiration and other dates then in epoch seconds, as AWS does).
 */
import { isoSeconds } from '../time.js';
import type { AwsError } from '../errors.js';
import { NAMESPACES, type AwsService, type ResultObject, type ResultValue } from './result.js';

export interface RenderedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type ResponseFormat = 'xml' | 'json';

export function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /\bapplication\/json\b/i.test(accept) && !/\b(text|application)\/xml\b/i.test(accept);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

export function escapeXml(text: string): string {
  // Most values (ids, ARNs, base64 tokens) need nothing: one scan, no copy.
  if (!NEEDS_ESCAPING.test(text)) return text;
  // Characters XML 1.0 cannot carry at all are dropped rather than producing an unparseable document.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

/** AWS writes timestamps as second-precision ISO 8601 in UTC. */

function xmlValue(value: ResultValue, out: string[]): void {
  if (value === undefined) return;
  if (value instanceof Date) out.push(isoSeconds(value));
  else if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined) continue;
      out.push('<member>');
      xmlValue(item, out);
      out.push('</member>');
    }
  } else if (typeof value === 'object') {
    for (const [name, child] of Object.entries(value as ResultObject)) {
      if (child === undefined) continue;
      out.push('<', name, '>');
      xmlValue(child, out);
      out.push('</', name, '>');
    }
  } else out.push(escapeXml(String(value)));
}

function jsonValue(value: ResultValue): unknown {
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(jsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as ResultObject)) if (v !== undefined) out[k] = jsonValue(v);
    return out;
  }
  return value;
}

export function renderSuccess(service: AwsService, action: string, result: ResultObject | undefined, requestId: string, format: ResponseFormat): RenderedResponse {
  if (format === 'json') {
    const body: Record<string, unknown> = {};
    if (result !== undefined) body[`${action}Result`] = jsonValue(result);
    body['ResponseMetadata'] = { RequestId: requestId };
    return { status: 200, contentType: 'application/json', body: JSON.stringify({ [`${action}Response`]: body }) };
  }
  const out: string[] = [`<${action}Response xmlns="${NAMESPACES[service]}">`];
  if (result !== undefined) {
    out.push(`<${action}Result>`);
    xmlValue(result, out);
    out.push(`</${action}Result>`);
  }
  out.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
  return { status: 200, contentType: 'text/xml', body: out.join('') };
}

export function renderError(service: AwsService, error: AwsError, requestId: string, format: ResponseFormat): RenderedResponse {
  if (format === 'json') {
    return {
      status: error.httpStatus,
      contentType: 'application/json',
      body: JSON.stringify({ Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId }),
    };
  }
  return {
    status: error.httpStatus,
    contentType: 'text/xml',
    body:
      `<ErrorResponse xmlns="${NAMESPACES[service]}"><Error><Type>${error.type}</Type>` +
      `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
