/**
 * A call as an HTTP request to the daemon, the way its clients send one: the REST path the daemon
 * derives for the verb (lib/verbs/rest.ts) with the positional values in it, the rest of the input as
 * `json_hash` (query or form), as query or form fields, or as a JSON body; a bearer token on
 * admin routes. Then a request mutation (mutations.ts) is applied.
 */
import http from 'node:http';
import { jsonText, type MutatedCall, type RequestMutation } from './mutations.js';

/** One HTTP request to send. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Field values that travel as text: strings, numbers, booleans, lists of strings. */
const asText = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : Array.isArray(v) && v.every((x) => typeof x === 'string')
      ? v.join(',')
      : undefined;

const fieldsText = (input: Record<string, unknown>) => {
  const pairs = Object.entries(input).map(([k, v]) => [k, asText(v)] as const);
  return pairs.every((p) => p[1] !== undefined)
    ? new URLSearchParams(pairs as [string, string][]).toString()
    : undefined;
};

/** Splits the input into path segments (the pattern's placeholders) and the rest. */
function pathAndRest(call: MutatedCall, differ: boolean) {
  const rest: Record<string, unknown> = { ...call.input };
  const segments: string[] = [];
  for (const p of call.target.pattern ?? []) {
    if (!p.startsWith(':') && !p.startsWith('*')) {
      segments.push(p);
      continue;
    }
    const key = p.slice(1);
    const v = call.input[key];
    if (v === undefined) continue;
    const values = Array.isArray(v) && p.startsWith('*') ? v : [v];
    segments.push(...values.map((x) => (typeof x === 'string' ? x : jsonText(x))));
    // With `differ`, the input names the field again, with another value.
    if (differ) rest[key] = 'Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z';
    else delete rest[key];
  }
  return { segments, rest };
}

/** How the input is sent, chosen by `encoding` among the ways clients send it. */
function encodeInput(method: string, rest: Record<string, unknown>, encoding: number) {
  const json = jsonText(rest);
  const fields = fieldsText(rest);
  const hashQuery = `?${new URLSearchParams({ json_hash: json })}`;
  if (method === 'GET' || method === 'DELETE') {
    if (encoding % 2 === 1 && fields !== undefined) return { query: fields ? `?${fields}` : '' };
    return { query: hashQuery };
  }
  switch (encoding % 4) {
    case 1:
      return { query: '', type: FORM_TYPE, body: new URLSearchParams({ json_hash: json }).toString() };
    case 2:
      if (fields !== undefined) return { query: '', type: FORM_TYPE, body: fields };
      return { query: '', type: JSON_TYPE, body: json };
    case 3:
      return { query: hashQuery };
    default:
      return { query: '', type: JSON_TYPE, body: json };
  }
}

/** Percent-encodes a path segment; a lone surrogate (encodeURIComponent refuses it) as U+FFFD. */
const encodeSegment = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/gu, '\ufffd'));

/** Changes the path segments as a path mutation says; `raw` segments are sent as they are. */
function mutatePath(segments: string[], m: Extract<RequestMutation, { name: 'path' }>, pick: number) {
  const out = segments.map(encodeSegment);
  const at = pick % Math.max(out.length, 1);
  if (m.how === 'extra') out.push(m.text);
  else if (m.how === 'drop') out.pop();
  else if (m.how === 'case') out[0] = (out[0] ?? '').toUpperCase();
  else if (m.how === 'slash') out.push('');
  else if (m.how === 'hostile') out[at] = m.text;
  else if (m.how === 'long') out[at] = 'a'.repeat(250);
  else
    out[at] = [...Buffer.from(segments[at] ?? '')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return out;
}

/** The HTTP request for a call, with a request mutation applied. */
export function toHttp(call: MutatedCall, m: RequestMutation, encoding: number, token: string): HttpRequest {
  const declared = call.target.verb.http ?? 'GET';
  const { segments, rest } = pathAndRest(call, m.name === 'path and input differ');
  const method = m.name === 'method' ? m.method : declared;
  const input = encodeInput(declared, rest, encoding);
  const parts = m.name === 'path' ? mutatePath(segments, m, encoding) : segments.map(encodeSegment);
  const headers: Record<string, string> = {};
  if (!call.target.verb.nodeFacing && m.name !== 'no token')
    headers.authorization = `Bearer ${m.name === 'wrong token' ? 'rzr_not_a_token' : token}`;
  let body = input.body;
  if (body !== undefined) {
    headers['content-type'] = m.name === 'body type' ? m.type : (input.type as string);
    if (m.name === 'cut body') body = body.slice(0, Math.floor(body.length / 2));
  }
  return { method, path: `/razor/api/${parts.join('/')}${input.query}`, headers, body };
}

/** Sends a request on a fresh connection and resolves with the status and body. */
export function send(
  port: number,
  r: HttpRequest,
  agent: http.Agent,
): Promise<{ status: number; body: string }> {
  // Always a Content-Length with a body: Node's client sends a DELETE body unframed otherwise,
  // which the server rightly reads as the start of a second, malformed request.
  const headers =
    r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, method: r.method, path: r.path, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}
