/**
 * The image service: `GET`/`HEAD /razor/image/<type>/<uuid>/<path>` streams
 * `<root>/<type>/<uuid>/<path>` with a single byte range (206/416), ETag/Last-Modified and 304s.
 * Anything that is not plainly a regular file inside that image's own folder — traversal in any
 * encoding, odd characters, directories, symlinks leading out — is a 404 with a short text body.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { parseImagePath } from './image-path.js';
import { ImageFileCache, type ImageFileUse } from './image-files.js';
import type { HeapGrowth } from '../limits/heap.js';
import { contentTypeFor, etagOf, ifRangeHolds, notModified, parseRange } from './image-http.js';
import { BufferPool, sendFileRange } from './image-stream.js';

/** What the image service needs. */
export interface ImageServiceOptions {
  /** The image root (config `image_svc_path`); files are served from `<root>/<type>/<uuid>/`. */
  root: string;
  /** The image types served (the catalog's); default: any name an image type may have. */
  types?: ReadonlySet<string>;
  log?: Logger;
  /** Read chunk size in bytes (default 512 KiB). */
  highWaterMark?: number;
  /** Open files kept for the next requests (default: a cache of its own under `root`). */
  files?: ImageFileCache;
  /** Buffers shared by all downloads (default: a set of its own, see imageBuffers). */
  buffers?: BufferPool;
  /** Told when downloads start and end (the daemon bounds heap growth meanwhile). */
  heap?: HeapGrowth;
  /** Told the bytes of each download that was sent whole (metrics). */
  sent?: (bytes: number) => void;
}

const CHUNK = 512 << 10;
/** Chunks shared by all downloads (16 × 512 KiB = 8 MiB at most, whatever the number of clients). */
const POOL_MAX = 16;

/** The buffers downloads share (pass one set to every image handler of a daemon). */
export const imageBuffers = (chunk = CHUNK): BufferPool => new BufferPool(chunk, POOL_MAX);

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function send(
  req: IncomingMessage,
  res: ServerResponse,
  file: ImageFileUse,
  name: string,
  o: ImageServiceOptions,
  pool: BufferPool,
): void {
  const size = Number(file.stat.size);
  const mtimeMs = Number(file.stat.mtimeMs);
  const etag = etagOf(file.stat);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', new Date(mtimeMs).toUTCString());
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (notModified(req.headers, etag, mtimeMs)) {
    file.release();
    res.writeHead(304).end();
    return;
  }
  const holds = ifRangeHolds(header(req.headers['if-range']), etag, mtimeMs);
  const range = holds ? parseRange(header(req.headers.range), size) : parseRange(undefined, size);
  if (range.kind === 'unsatisfiable') {
    file.release();
    plain(res, 416, 'Range not satisfiable\n', { 'Content-Range': `bytes */${size}` });
    return;
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
  const length = end - start + 1;
  if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  res.writeHead(range.kind === 'partial' ? 206 : 200, {
    'Content-Type': contentTypeFor(name),
    'Content-Length': length,
  });
  if (req.method === 'HEAD' || length === 0) {
    file.release();
    res.end();
    return;
  }
  o.heap?.started();
  sendFileRange(file.handle, res, start, length, pool).then(
    () => {
      o.heap?.ended();
      file.release();
      o.sent?.(length);
    },
    (err: NodeJS.ErrnoException) => {
      o.heap?.ended();
      file.release();
      res.destroy(); // never let a short body pass for a whole one
      if (err.code === 'ERR_STREAM_PREMATURE_CLOSE') o.log?.debug({ url: req.url }, 'image client went away');
      else o.log?.warn({ url: req.url, err: err.message }, 'image stream failed');
    },
  );
}

/** Answers one image request; `below` is its URL below `/razor/image`. Never throws. */
type ServeImage = (req: IncomingMessage, res: ServerResponse, below: string) => Promise<void>;

function imageServer(o: ImageServiceOptions): ServeImage {
  const pool = o.buffers ?? imageBuffers(o.highWaterMark);
  const files = o.files ?? new ImageFileCache(o.root);
  return async (req, res, below) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method not allowed; use GET or HEAD\n', { Allow: 'GET, HEAD' });
      return;
    }
    const q = below.indexOf('?');
    const p = parseImagePath(q === -1 ? below : below.slice(0, q), o.types);
    let file: ImageFileUse | undefined;
    try {
      file = p && (await files.open(p));
    } catch (err) {
      o.log?.error({ url: req.url, err: (err as Error).message }, 'image file could not be opened');
      plain(res, 500, 'Internal error\n');
      return;
    }
    if (!p || !file) return plain(res, 404, 'Not found\n');
    try {
      send(req, res, file, p.rel[p.rel.length - 1] ?? '', o, pool);
    } catch (err) {
      file.release();
      o.log?.error({ url: req.url, err: (err as Error).message }, 'image file could not be sent');
      plain(res, 500, 'Internal error\n');
    }
  };
}

/**
 * The request handler for an Express app; mount it with
 * `app.use('/razor/image', imageService({ root, log }))`. It reads the raw `req.url` below the
 * mount point, answers every request itself and never calls `next`.
 */
export function imageService(o: ImageServiceOptions): RequestHandler {
  const serve = imageServer(o);
  return (req, res) => serve(req, res, req.url);
}

const PREFIX = '/razor/image/';

/**
 * The `image_svc_port` listener, without a framework (the image port serves nothing else): the
 * image service at `/razor/image/` (any case, as an Express mount matches), a log line per
 * request, a text 404 elsewhere. Listen on it with `listen()` (server.ts).
 */
export function createImageApp(o: ImageServiceOptions): RequestListener {
  const serve = imageServer(o);
  const log = o.log;
  return (req, res) => {
    const url = req.url ?? '/';
    if (log) {
      const started = performance.now();
      res.once('close', () => {
        const ms = Math.round((performance.now() - started) * 1000) / 1000;
        log.info({ method: req.method, url, status: res.statusCode, ms }, 'image request');
      });
    }
    if (url.length > PREFIX.length && url.slice(0, PREFIX.length).toLowerCase() === PREFIX)
      void serve(req, res, url.slice(PREFIX.length - 1));
    else plain(res, 404, 'Not found\n');
  };
}
