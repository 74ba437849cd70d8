/**
 * The owner's way in (ADR 0014): the same app on a Unix domain socket, `$RAZOR_HOME/razor.sock`,
 * mode 0600 in a directory only the daemon's user may enter. The kernel checks both permissions
 * when a client calls connect(), so a connection on it comes from the daemon's user or root —
 * nothing to look up later, nothing to race. A socket left by a killed daemon is removed at start
 * only when nothing answers on it; the socket is removed at shutdown.
 */
import http, { type RequestListener } from 'node:http';
import net from 'node:net';
import { chmod, lstat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { limitUrlLength } from './limits/url-limit.js';
import { applyTimeouts, stopGracefully } from './server.js';

/** Where and how to listen. */
export interface LocalSocketOptions {
  path: string;
  requestTimeoutMs: number;
  /** Headers must arrive within this (default 10 s; 0 = no limit). */
  headersTimeoutMs?: number;
  log: Logger;
  /** Longest request target in bytes (default 8 KiB); longer ones get 414. */
  maxUrlBytes?: number;
}

/** A listening local socket (`path`), or why there is none (`why`). */
export interface LocalSocket {
  readonly path?: string;
  readonly why?: string;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`); the socket file goes. */
  stop(graceMs?: number): Promise<void>;
}

/** Why `dir` is not private to this process's user (another could reach a socket in it), or undefined. */
async function notPrivate(dir: string): Promise<string | undefined> {
  const st = await lstat(dir);
  const me = process.getuid?.() ?? 0;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (st.uid !== me) return `${dir} belongs to uid ${st.uid}, not to the daemon's user (uid ${me})`;
  if ((st.mode & 0o077) !== 0)
    return `${dir} is mode ${(st.mode & 0o777).toString(8)}, not 700; run 'chmod 700 ${dir}'`;
  return undefined;
}

/** Does something accept connections on the socket at `path`? (A refused connect means no.) */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.connect({ path });
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve(false);
      // A full accept queue: a live, busy daemon.
      else if (err.code === 'EAGAIN') resolve(true);
      else reject(err);
    });
  });
}

/** Removes a socket left by a daemon that died; refuses to touch a live one or a non-socket. */
async function clearStale(path: string): Promise<void> {
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) return;
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; move it away`);
  if (await answers(path))
    throw new Error(`another razor daemon is serving this RAZOR_HOME (${path} answers); stop it first`);
  await unlink(path);
}

/** Serves `app` on the local socket; when the directory is not private, says why and serves none. */
export async function listenLocal(app: RequestListener, o: LocalSocketOptions): Promise<LocalSocket> {
  const why = await notPrivate(dirname(o.path));
  if (why) return { why, stop: async () => undefined };
  await clearStale(o.path);
  const server = http.createServer(limitUrlLength(app, o.maxUrlBytes));
  applyTimeouts(server, o);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `${o.path} is in use by another daemon` : err.message)),
    );
    server.listen({ path: o.path, exclusive: true }, () => resolve());
  });
  // The directory already keeps everyone else out; the socket's own mode says the same.
  await chmod(o.path, 0o600).catch((err: unknown) => {
    server.close();
    throw err;
  });
  return {
    path: o.path,
    // Closing the server unlinks the socket file.
    stop: (graceMs = 30_000) => stopGracefully(server, o.log, graceMs),
  };
}
