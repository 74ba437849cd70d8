/**
 * A verb sent to the daemon over REST instead of run on the local store (ADR 0025): the verb's
 * declared method and path (`path:` in its declaration, ADR 0021) with its placeholders filled,
 * the rest of its input as the `-w` JSON (`json_hash`), and the daemon's answer read back — the
 * response of a success envelope, or the error of an error envelope as the RazorError it was.
 */
import { RazorError, isErrorKind } from '../errors.js';
import { declaredRestPath } from '../verbs/rest.js';
import type { RemoteReply, RemoteRequest } from './remote-request.js';
import type { SliceSpec, VerbSpec } from '../verbs/spec.js';

/** A REST request for one verb call. */
export interface RestRequest {
  method: string;
  path: string;
  /** The `json_hash` text (the input not in the path). */
  json: string;
}

/** The request for `slice verb` with raw input `raw`; RazorError for verbs not served over REST. */
export function restRequestFor(
  slice: SliceSpec,
  verb: VerbSpec,
  raw: Readonly<Record<string, unknown>>,
): RestRequest {
  const parts = declaredRestPath(slice, verb);
  if (!parts || !verb.http)
    throw new RazorError(
      'MethodNotAllowed',
      "it is not served over REST: run it on the daemon's host, without --url or RAZOR_URL",
    );
  const rest: Record<string, unknown> = { ...raw };
  const path = parts.map((p) => {
    if (!p.startsWith(':') && !p.startsWith('*')) return encodeURIComponent(p);
    const name = p.slice(1);
    const value = rest[name];
    delete rest[name];
    if (value === undefined) throw new RazorError('MissingArgument', `missing required argument '${name}'`);
    return (Array.isArray(value) ? value : [value]).map((v) => encodeURIComponent(String(v))).join('/');
  });
  return { method: verb.http, path: `/razor/api/${path.join('/')}`, json: JSON.stringify(rest) };
}

/** Sends `r` with `request`: GET carries the JSON in the query, the other methods in the body. */
export function sendRest(request: RemoteRequest, r: RestRequest): Promise<RemoteReply> {
  if (r.method === 'GET') return request('GET', `${r.path}?json_hash=${encodeURIComponent(r.json)}`);
  return request(r.method, r.path, JSON.stringify({ json_hash: r.json }));
}

const isKind = isErrorKind;

/** The RazorError a reply carries, if it is an error. */
export function replyError(reply: RemoteReply): RazorError | undefined {
  if (reply.status < 400) return undefined;
  let env: { err_class?: unknown; result?: unknown } = {};
  try {
    env = JSON.parse(reply.body) as typeof env;
  } catch {
    // Not an envelope (a proxy's page): the status says what happened.
  }
  const kind = typeof env.err_class === 'string' ? env.err_class.replace(/^.*::/, '') : '';
  const message = typeof env.result === 'string' ? env.result : `the daemon answered ${reply.status}`;
  const err = new RazorError(isKind(kind) ? kind : 'InternalError', message);
  if (err.kind !== 'Unauthorized') return err;
  return new RazorError(
    'Unauthorized',
    `${message} (remote CLI: set RAZOR_TOKEN, or write the token to the credentials file, mode 600)`,
  );
}

/** The answer of a successful reply: the envelope's response, or the text of a text verb. */
export function replyAnswer(reply: RemoteReply): unknown {
  if (!reply.contentType.startsWith('application/json')) return reply.body;
  return (JSON.parse(reply.body) as { response?: unknown }).response;
}

/** Runs a verb on the daemon: its answer, or throws the RazorError the daemon answered. */
export function remoteExecutor(request: RemoteRequest) {
  return async (
    slice: SliceSpec,
    verb: VerbSpec,
    raw: Readonly<Record<string, unknown>>,
  ): Promise<unknown> => {
    if (verb.human === false)
      throw new RazorError(
        'MethodNotAllowed',
        `${slice.name} ${verb.name} is called by nodes, not people; use 'razor -w ${slice.name} ${verb.name} <json>'`,
      );
    const reply = await sendRest(request, restRequestFor(slice, verb, raw));
    const err = replyError(reply);
    if (err) throw err;
    return replyAnswer(reply);
  };
}
