/**
 * The REST front of the dispatcher: `/razor/api/<slice>/…` routed once (by the verbs' declared
 * paths and the original `api.js` forms), the input, authorization, the invoke with a time limit,
 * the answer written in one go, and one log line. Boots and checkins pass nothing else: the handler
 * takes Node's own request and response, ahead of Express (daemon/app.ts). Every failure is a
 * RazorError answered by the HTTP translator (lib/verbs/translate-http.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { RazorError, asRazorError } from '../../lib/errors.js';
import { translateToHttp, type Wire } from '../../lib/verbs/translate-http.js';
import { decodePathParts } from '../../lib/verbs/rest.js';
import { logRequest } from '../logs/request-log.js';
import type { ObservedCall } from '../metrics.js';
import { deadlines } from '../limits/deadlines.js';
import { bodyParser, requestInput } from './request-input.js';
import { splitTarget } from './request-target.js';
import type { Routed } from '../../lib/verbs/route-call.js';
import type { HttpMethod, VerbSpec } from '../../lib/verbs/spec.js';

/** One REST call, routed once: its words, verb, method and input (`json_hash` text or fields). */
export interface RestCall extends Routed {
  readonly method: HttpMethod;
  readonly input: string | Readonly<Record<string, unknown>>;
  /** The client's IP address (`::ffff:` prefix removed). */
  readonly remote: string | undefined;
}

/** Runs a routed REST call (as `razor -w <words> <json>` would) and returns what to send. */
export type Invoke = (call: RestCall) => Promise<Wire>;

/** What authorization looks at. */
export interface AuthRequest {
  method: HttpMethod;
  /** The verb the call leads to, if any. */
  verb: VerbSpec | undefined;
  remote: string | undefined;
  authorization: string | undefined;
}

/** A verdict: who is calling, or why not. */
export type Verdict = { ok: true; who: string } | { ok: false; why: string };

/** What the REST handler needs. */
export interface RestDeps {
  invoke: Invoke;
  /** Routes REST path elements (slice first) for a method: the verb, or why none. */
  routeFor: (method: HttpMethod, parts: string[]) => Routed;
  log: Logger;
  bodyLimitBytes: number;
  /** How long a call may take before the client gets a 503 (0: no limit). */
  requestTimeoutMs: number;
  /** Decides whether a call may run: node-facing verbs are open, admin verbs need a token. */
  authorize?: (req: AuthRequest) => Verdict | Promise<Verdict>;
  /** A new request id. */
  newId: () => string;
  /** Told of every answered call (daemon/metrics.ts). */
  observe?: (call: ObservedCall) => void;
}

/** What `answer` learnt about a request: who called (once authorized) and the verb it reached. */
interface Seen {
  who?: string;
  route?: string;
}

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'DELETE']);

/** The RazorError for a failed request: body-parser errors as the kinds a client can act on. */
function failureOf(err: unknown, bodyLimitBytes: number): RazorError {
  const e = err as { status?: number; type?: string; message?: string };
  if (e.type === 'entity.too.large')
    return new RazorError('PayloadTooLarge', `request body is larger than ${bodyLimitBytes} bytes`);
  if (!(err instanceof RazorError) && typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return new RazorError('InputError', `bad request body: ${e.message ?? 'unreadable'}`);
  return asRazorError(err);
}

/** The answer for a failed request (a body parser's message may quote the body: it is escaped). */
export function failureWire(err: unknown, bodyLimitBytes: number): Promise<Wire> {
  return translateToHttp({ error: failureOf(err, bodyLimitBytes) });
}

/** True for errors that are razor's own fault (a stack to log), not the client's. */
export function isUnexpected(err: unknown): boolean {
  const e = err as { status?: number; type?: string };
  return !(err instanceof RazorError) && !(typeof e.status === 'number' && e.status < 500);
}

/** Writes a whole answer at once (no body on HEAD: Node leaves it out). */
function send(res: ServerResponse, id: string, wire: Wire): void {
  if (res.headersSent) return;
  res.writeHead(wire.status, {
    'Content-Type': wire.contentType,
    'Content-Length': Buffer.byteLength(wire.body),
    'X-Request-Id': id,
  });
  res.end(wire.body);
}

/** An IPv4 client's address as nodes know it (`::ffff:10.0.0.5` → `10.0.0.5`). */
export function clientAddress(remote: string | undefined): string | undefined {
  return remote?.startsWith('::ffff:') ? remote.slice(7) : remote;
}

/** The handler of every `/razor/api/<slice>…` request; it never rejects. */
export function restHandler(deps: RestDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limits = deadlines(deps.requestTimeoutMs);
  const routeOf = (method: HttpMethod, path: string): Routed => {
    const raw = path.split('/').slice(3);
    if (raw[raw.length - 1] === '') raw.pop();
    const decoded = decodePathParts(raw);
    if ('bad' in decoded)
      throw new RazorError('InvalidPathItem', `illegal path component '${decoded.bad.slice(0, 200)}'`);
    return deps.routeFor(method, decoded.parts);
  };
  // Bodies are parsed only where one can matter: boots and checkins (GET) skip the parsers.
  const parseBody = bodyParser(deps.bodyLimitBytes);

  /** Answers the request; `seen` learns the verb, and who called once authorization let it through. */
  const answer = async (req: IncomingMessage, res: ServerResponse, id: string, seen: Seen) => {
    const method = req.method === 'HEAD' ? 'GET' : (req.method as HttpMethod);
    if (!METHODS.has(method))
      throw new RazorError(
        'MethodNotAllowed',
        `${req.method} is not supported; use GET, POST, PUT or DELETE`,
      );
    const target = splitTarget(req.url ?? '/');
    const routed = routeOf(method, target.path);
    if (routed.route) seen.route = `${routed.slice?.name} ${routed.route.verb.name}`;
    const body = method !== 'GET' ? await parseBody(req, res) : undefined;
    const input = requestInput(target.query, body);
    if (deps.authorize) {
      const pending = deps.authorize({
        method,
        verb: routed.route?.verb,
        remote: req.socket.remoteAddress,
        authorization: req.headers.authorization,
      });
      const verdict = pending instanceof Promise ? await pending : pending;
      if (!verdict.ok) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="razor"');
        throw new RazorError('Unauthorized', verdict.why);
      }
      seen.who = verdict.who;
    }
    // Words that lead nowhere are answered here, the same for both invoke modes.
    if (routed.error)
      return send(res, id, await translateToHttp({ slice: routed.slice, error: routed.error }));
    const remote = clientAddress(req.socket.remoteAddress);
    send(res, id, await deps.invoke({ ...routed, method, input, remote }));
  };

  return async (req, res) => {
    const start = { id: deps.newId(), started: performance.now() };
    const seen: Seen = {};
    const answered = limits.track(() => {
      deps.log.warn({ req_id: start.id, url: req.url }, 'request over its time limit');
      const late = new RazorError(
        'StoreUnavailable',
        `the request took longer than ${deps.requestTimeoutMs} ms`,
      );
      void failureWire(late, deps.bodyLimitBytes).then((wire) => send(res, start.id, wire));
    });
    try {
      await answer(req, res, start.id, seen);
    } catch (err) {
      if (isUnexpected(err)) deps.log.error({ err, req_id: start.id }, 'unexpected error');
      send(res, start.id, await failureWire(err, deps.bodyLimitBytes));
    }
    answered();
    logRequest(deps.log, req, res, start, seen.who);
    deps.observe?.({
      route: seen.route ?? 'unrouted',
      method: req.method ?? 'GET',
      status: res.statusCode,
      seconds: (performance.now() - start.started) / 1000,
    });
  };
}
