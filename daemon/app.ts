/**
 * The daemon's Express app: `/razor/api/<slice>/…` turned into `razor -w` words exactly as the
 * original `api.js` did, handed to the dispatcher (in-process, or a child process per request), the
 * HTTP status taken from the envelope. No Express error ever reaches a client as a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { RazorError, asRazorError } from '../lib/errors.js';
import { errorEnvelope } from '../lib/envelope.js';
import { decodePathParts } from '../lib/rest.js';
import type { Wire } from '../lib/dispatch.js';
import type { HttpMethod } from '../lib/spec.js';

/** Runs `razor -w <argv> <json>` for a request and returns what to send. */
export type Invoke = (argv: string[], method: HttpMethod) => Promise<Wire>;

/** What the app needs, passed in by the composition root. */
export interface AppDeps {
  invoke: Invoke;
  /** REST path elements (slice first) → `-w` words, for this method. */
  argvFor: (method: HttpMethod, parts: string[]) => string[];
  log: Logger;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** Extra facts for `GET /healthz`. */
  health: () => Record<string, unknown>;
  /** Decides whether a REST call may run: node-facing verbs are open, admin verbs need a token. */
  authorize?: (req: AuthRequest) => Promise<{ ok: true; who: string } | { ok: false; why: string }>;
  /** The image service, also served here at /razor/image (as on image_svc_port). */
  images?: express.RequestHandler;
}

/** What authorization looks at. */
export interface AuthRequest {
  method: HttpMethod;
  /** The `-w` words and JSON the call maps to. */
  argv: string[];
  remote: string | undefined;
  authorization: string | undefined;
}

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'DELETE']);

function sendError(res: Response, err: RazorError): void {
  res
    .status(err.http)
    .type('application/json')
    .send(JSON.stringify(errorEnvelope(undefined, undefined, err)));
}

/** The JSON argument of a request: `json_hash` (form, query or JSON body), else the JSON body, else the query. */
export function jsonArgument(req: Request): string {
  const query = { ...(req.query as Record<string, unknown>) };
  const body = req.body as Record<string, unknown> | undefined;
  const hash = body?.json_hash ?? query.json_hash;
  if (typeof hash === 'string') return hash;
  if (hash !== undefined) throw new RazorError('InputError', 'json_hash must be a JSON text');
  delete query.json_hash;
  if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0) {
    return JSON.stringify({ ...query, ...body });
  }
  return JSON.stringify(query);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_r, reject) => {
    timer = setTimeout(
      () => reject(new RazorError('StoreUnavailable', `the request took longer than ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Builds the Express app (no listening; see server.ts). */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // API answers are not cached by clients (a boot script changes with the install's state).
  app.set('etag', false);
  app.set('query parser', 'simple');
  let counter = 0;
  app.use((req, res, next) => {
    const id = `${Date.now().toString(36)}-${(counter++).toString(36)}`;
    const started = process.hrtime.bigint();
    res.locals.reqId = id;
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const who = res.locals.who as string | undefined;
      // Admin changes are the audit trail: who (which token), what, when (`razor log --audit`).
      const audit = who !== undefined && who !== 'node' && req.method !== 'GET' && req.method !== 'HEAD';
      deps.log.info(
        {
          req_id: id,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          ms,
          who,
          ...(audit ? { audit } : {}),
        },
        'request',
      );
    });
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...deps.health() });
  });
  if (deps.images) app.use('/razor/image', deps.images);
  // Bodies are parsed only where one can matter: boots and checkins (GET) skip the parsers.
  const form = express.urlencoded({ extended: false, limit: deps.bodyLimitBytes });
  const json = express.json({ limit: deps.bodyLimitBytes, type: ['application/json', 'application/*+json'] });
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    form(req, res, (err?: unknown) => (err ? next(err) : json(req, res, next)));
  });
  app.all('/razor/api/*path', async (req, res, next) => {
    try {
      const method = req.method === 'HEAD' ? 'GET' : (req.method as HttpMethod);
      if (!METHODS.has(method))
        throw new RazorError(
          'MethodNotAllowed',
          `${req.method} is not supported; use GET, POST, PUT or DELETE`,
        );
      const raw = req.path.split('/').slice(3);
      if (raw[raw.length - 1] === '') raw.pop();
      const decoded = decodePathParts(raw);
      if ('bad' in decoded) {
        res
          .status(404)
          .type('text/plain')
          .send(`Illegal path component: '${decoded.bad.slice(0, 200)}'\n`);
        return;
      }
      const argv = [...deps.argvFor(method, decoded.parts), jsonArgument(req)];
      if (deps.authorize) {
        const verdict = await deps.authorize({
          method,
          argv,
          remote: req.socket.remoteAddress,
          authorization: req.headers.authorization,
        });
        if (!verdict.ok) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="razor"');
          throw new RazorError('Unauthorized', verdict.why);
        }
        res.locals.who = verdict.who;
      }
      const wire = await withTimeout(deps.invoke(argv, method), deps.requestTimeoutMs);
      res.status(wire.status).type(wire.contentType).send(wire.body);
    } catch (err) {
      next(err);
    }
  });
  app.all(
    '/razor',
    (_req, res) => void res.status(404).type('text/plain').send('Bad Request (no module selected)\n'),
  );
  app.all(
    '/razor/api',
    (_req, res) => void res.status(404).type('text/plain').send('Bad Request (no slice selected)\n'),
  );
  app.use((_req, res) => void res.status(404).type('text/plain').send('Not found\n'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === 'entity.too.large') {
      res
        .status(413)
        .type('application/json')
        .send(
          JSON.stringify({
            ...errorEnvelope(
              undefined,
              undefined,
              new RazorError('InputError', `request body is larger than ${deps.bodyLimitBytes} bytes`),
            ),
            http_err_code: 413,
          }),
        );
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, new RazorError('InputError', `bad request body: ${e.message ?? 'unreadable'}`));
      return;
    }
    if (!(err instanceof RazorError)) deps.log.error({ err, req_id: res.locals.reqId }, 'unexpected error');
    sendError(res, asRazorError(err));
  });
  return app;
}
