/**
 * Listening and shutting down: the HTTP (or, with a certificate, HTTPS) server with slow-client
 * timeouts and a URL length limit, and a graceful stop on SIGTERM/SIGINT — no new connections,
 * in-flight requests finish, then the store is closed.
 */
import http, { type RequestListener } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { limitUrlLength } from './limits/url-limit.js';
import { limitConnections, type ConnectionLimits, type ConnectionStats } from './limits/connection-limit.js';
import type { TlsFiles } from './tls.js';

/** Headers (and a TLS handshake) must arrive within this by default, whatever the request timeout. */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * How often Node checks the headers and request timeouts (its default, 30 s, let slow headers run
 * for up to 40 s): they hold to within this.
 */
const TIMEOUT_CHECK_MS = 1_000;

/** Where and how to listen. */
export interface ListenOptions {
  host: string;
  port: number;
  requestTimeoutMs: number;
  /** Headers (and a TLS handshake) must arrive within this (default 10 s; 0 = no limit). */
  headersTimeoutMs?: number;
  log: Logger;
  /** Serve HTTPS with this certificate and key (see tls.ts); plain HTTP without. */
  tls?: TlsFiles;
  /** Longest request target in bytes (default 8 KiB); longer ones get 414. */
  maxUrlBytes?: number;
  /** Caps on open connections (connection-limit.ts); none without. */
  connections?: ConnectionLimits;
}

/** A running server. */
export interface RunningServer {
  readonly server: http.Server | https.Server;
  readonly port: number;
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then resolves. */
  stop(graceMs?: number): Promise<void>;
  /** What the connection caps did (when there are caps). */
  readonly connections?: () => ConnectionStats;
}

/**
 * Slow-client limits: the whole request within `requestTimeoutMs`, its headers within
 * `headersTimeoutMs` (10 s unless given) and never later than the whole request (0 = no limit).
 */
export function applyTimeouts(
  server: http.Server,
  o: { requestTimeoutMs: number; headersTimeoutMs?: number },
): void {
  const headers = o.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  server.requestTimeout = o.requestTimeoutMs;
  server.headersTimeout =
    o.requestTimeoutMs > 0 && headers > 0
      ? Math.min(headers, o.requestTimeoutMs)
      : headers || o.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
}

/** Starts listening; rejects with a clear message when the port is taken. */
export function listen(app: RequestListener, o: ListenOptions): Promise<RunningServer> {
  const handler = limitUrlLength(app, o.maxUrlBytes);
  const timing = { connectionsCheckingInterval: TIMEOUT_CHECK_MS };
  const handshakeTimeout = o.headersTimeoutMs === 0 ? undefined : (o.headersTimeoutMs ?? HEADERS_TIMEOUT_MS);
  const server = o.tls
    ? https.createServer({ ...timing, cert: o.tls.cert, key: o.tls.key, handshakeTimeout }, handler)
    : http.createServer(timing, handler);
  applyTimeouts(server, o);
  const connections = o.connections
    ? limitConnections(server, { ...o.connections, log: o.log, tls: o.tls !== undefined })
    : undefined;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${o.port} on ${o.host} is already in use; stop the other server or pick another port with --port`
          : err.code === 'EACCES'
            ? `no permission to listen on port ${o.port}: ports below 1024 need root, the ` +
              'CAP_NET_BIND_SERVICE capability, or the systemd unit (razor daemon --print-systemd-unit); ' +
              'or pick a port from 1024 up (--port, --image-port)'
            : err.message;
      reject(new Error(why));
    });
    server.listen(o.port, o.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      resolve({
        server,
        port,
        scheme: o.tls ? 'https' : 'http',
        connections,
        stop: (graceMs = 30_000) => stopGracefully(server, o.log, graceMs),
      });
    });
  });
}

/** Stops accepting, closes idle connections, and after `graceMs` the busy ones too; resolves when closed. */
export function stopGracefully(server: http.Server, log: Logger, graceMs: number): Promise<void> {
  return new Promise<void>((done) => {
    const force = setTimeout(() => {
      log.warn('shutdown grace period over; closing remaining connections');
      server.closeAllConnections();
    }, graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      done();
    });
    server.closeIdleConnections();
  });
}
