/**
 * The daemon's request listener: the REST API (`/razor/api/<slice>/…`, daemon/rest/rest-handler.ts)
 * is answered on Node's own request and response, ahead of Express, so boots and checkins pass no
 * other layer (ADR 0011); Express serves the rest — the OpenAPI document, the event stream, health,
 * metrics, the image service, and 404s — with error envelopes from the HTTP translator, as every
 * other error. No error ever reaches a client as a stack trace.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { logRequest, requestIds } from './logs/request-log.js';
import { RazorError } from '../lib/errors.js';
import { failureWire, isUnexpected, restHandler, type RestDeps } from './rest/rest-handler.js';
import { targetPath } from './rest/request-target.js';
import type { Readiness } from './readiness.js';
import type { RazorMetrics } from './metrics.js';
import { EVENTS_PATH, type EventStreams } from './events/event-stream.js';
import { eventFilter } from '../lib/events/filter.js';

export type { AuthRequest, Invoke, RestCall, Verdict } from './rest/rest-handler.js';

/** What the app needs, passed in by the composition root. */
export interface AppDeps extends Omit<RestDeps, 'newId'> {
  /** Extra facts for `GET /healthz`. */
  health: () => Record<string, unknown>;
  /** The image service, also served here at /razor/image (as on image_svc_port). */
  images?: express.RequestHandler;
  /** The OpenAPI document served at /razor/api/openapi.json (lib/verbs/openapi.ts). */
  apiDocument?: () => unknown;
  /** `GET /readyz` (daemon/readiness.ts); without it, /readyz is /healthz. */
  ready?: () => Promise<Readiness>;
  /** `GET /metrics` (daemon/metrics.ts), and whether it needs a token (config metrics_auth). */
  metrics?: { render: RazorMetrics['render']; needsToken: boolean };
  /** `GET /razor/api/events` (daemon/events/event-stream.ts); admin only. */
  events?: EventStreams;
}

/** Where the OpenAPI document is served (open, like /healthz: it holds no data). */
export const OPENAPI_PATH = '/razor/api/openapi.json';

const API_PREFIX = '/razor/api/';

/** True for `/razor/api/<something>` (any case, as Express routes match). */
const isApiCall = (url: string) =>
  url.length > API_PREFIX.length &&
  url.slice(0, API_PREFIX.length).toLowerCase() === API_PREFIX &&
  url[API_PREFIX.length] !== '?';

/** Refuses (with the RazorError to answer) a request without an admin's credentials. */
async function adminOnly(deps: AppDeps, req: Request, res: Response): Promise<RazorError | undefined> {
  if (!deps.authorize) return undefined;
  const verdict = await deps.authorize({
    method: 'GET',
    verb: undefined,
    remote: req.socket.remoteAddress,
    authorization: req.headers.authorization,
  });
  if (verdict.ok) return undefined;
  res.setHeader('WWW-Authenticate', 'Bearer realm="razor"');
  return new RazorError('Unauthorized', verdict.why);
}

/** True for the API paths Express serves itself: the OpenAPI document and the event stream (GET). */
const servedByExpress = (deps: AppDeps, req: IncomingMessage, path: string) =>
  req.method === 'GET' &&
  ((req.url === OPENAPI_PATH && deps.apiDocument !== undefined) ||
    (path === EVENTS_PATH && deps.events !== undefined));

/** Builds the daemon's request listener (no listening; see server.ts). */
export function createApp(deps: AppDeps): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  // API answers are not cached by clients (a boot script changes with the install's state).
  app.set('etag', false);
  app.set('query parser', 'simple');
  const newId = requestIds();
  const rest = restHandler({ ...deps, newId });
  // The two API paths the front below leaves to Express.
  app.use((req, res, next) => {
    const { apiDocument, events: streams } = deps;
    if (!servedByExpress(deps, req, req.path)) next();
    else if (req.url === OPENAPI_PATH && apiDocument) res.json(apiDocument());
    else if (streams) {
      void adminOnly(deps, req, res)
        .then((refused) => {
          if (refused) throw refused;
          const lastId = req.headers['last-event-id'];
          const id = typeof lastId === 'string' ? lastId : undefined;
          streams.serve(req, res, eventFilter(req.query, id, streams.lastSeq()));
        })
        .catch(next);
    }
  });
  // Everything else: an id and a log line per request.
  app.use((req, res, next) => {
    const start = { id: newId(), started: performance.now() };
    res.locals.reqId = start.id;
    res.setHeader('X-Request-Id', start.id);
    res.once('finish', () => logRequest(deps.log, req, res, start, undefined));
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...deps.health() });
  });
  app.get('/readyz', async (_req, res) => {
    const r = deps.ready ? await deps.ready() : { ready: true, checks: {} };
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not ready', ...r.checks });
  });
  const metrics = deps.metrics;
  if (metrics)
    app.get('/metrics', async (req, res, next) => {
      const refused = metrics.needsToken ? await adminOnly(deps, req, res) : undefined;
      if (refused) return next(refused);
      const { text, contentType } = await metrics.render();
      res.type(contentType).send(text);
    });
  if (deps.images) app.use('/razor/image', deps.images);
  const notFound = (err: RazorError) => async (_req: Request, res: Response) => {
    const wire = await failureWire(err, deps.bodyLimitBytes);
    res.status(wire.status).type(wire.contentType).send(wire.body);
  };
  app.all(
    '/razor',
    notFound(new RazorError('NotFound', 'no module selected; the API is /razor/api/<slice>')),
  );
  app.all('/razor/api', notFound(new RazorError('InvalidSlice', "no slice selected; try 'razor help'")));
  app.use(notFound(new RazorError('NotFound', 'Not found')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (isUnexpected(err)) deps.log.error({ err, req_id: res.locals.reqId }, 'unexpected error');
    void failureWire(err, deps.bodyLimitBytes).then((wire) =>
      res.status(wire.status).type(wire.contentType).send(wire.body),
    );
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (isApiCall(url) && !servedByExpress(deps, req, targetPath(url)))
      void rest(req, res).catch((err: unknown) => {
        deps.log.error({ err }, 'unexpected error');
        if (!res.headersSent) res.writeHead(500).end();
      });
    else app(req, res);
  };
}
