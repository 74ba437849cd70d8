/**
 * Connection caps for one listening port (ADR 0018): at most `perPort` open connections, at most
 * `perAddress` from one client address. A new connection over a cap first sheds the oldest idle
 * connection (no request in flight: a keep-alive connection between requests, or one that has not
 * sent a whole request head yet) — of the same address when that address is over its cap — and is
 * refused only when every connection is inFlight. So idle or slow connections, however many, cannot
 * keep a node from booting, and connections can never use up the process's file descriptors.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** The caps of one port. */
export interface ConnectionLimits {
  /** Most open connections on the port. */
  readonly perPort: number;
  /** Most open connections from one client address. */
  readonly perAddress: number;
}

/** What the caps did so far, for logs and tests. */
export interface ConnectionStats {
  readonly open: number;
  readonly shed: number;
  readonly refused: number;
}

/** How often at most the log is told that caps were hit. */
const LOG_EVERY_MS = 10_000;

/** A plain-HTTP answer for a refused connection, so clients know to retry. */
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n';

/** The TCP socket under a connection (a TLS socket's is its `_parent`). */
function tcpSocket(s: Socket): Socket {
  return (s as Socket & { _parent?: Socket })._parent ?? s;
}

/** Applies the caps to `server` (plain HTTP or HTTPS); returns its running counts. */
export function limitConnections(
  server: Server,
  o: ConnectionLimits & { log: Logger; tls: boolean },
): () => ConnectionStats {
  /** Every open connection and its number of requests in flight. */
  const inFlight = new Map<Socket, number>();
  /** Idle connections, longest idle first, over all addresses and by address. */
  const idle = new Set<Socket>();
  const byAddress = new Map<string, { open: number; idle: Set<Socket> }>();
  const addressOf = new Map<Socket, string>();
  const totals = { shed: 0, refused: 0 };
  let lastLog = -Infinity;
  let unlogged = { shed: 0, refused: 0 };

  const note = (what: 'shed' | 'refused') => {
    totals[what]++;
    unlogged[what]++;
    const now = performance.now();
    if (now - lastLog < LOG_EVERY_MS) return;
    lastLog = now;
    o.log.warn(
      { ...unlogged, open: inFlight.size, per_port: o.perPort, per_address: o.perAddress },
      'connection limit reached',
    );
    unlogged = { shed: 0, refused: 0 };
  };
  const forget = (s: Socket) => {
    const address = addressOf.get(s);
    if (address === undefined) return;
    addressOf.delete(s);
    inFlight.delete(s);
    idle.delete(s);
    const a = byAddress.get(address);
    if (!a) return;
    a.idle.delete(s);
    if (--a.open === 0) byAddress.delete(address);
  };
  const setIdle = (s: Socket) => {
    idle.add(s);
    byAddress.get(addressOf.get(s) as string)?.idle.add(s);
  };
  const shed = (s: Socket | undefined): boolean => {
    if (!s) return false;
    forget(s);
    s.destroy();
    note('shed');
    return true;
  };
  const refuse = (s: Socket) => {
    note('refused');
    if (o.tls) s.destroy();
    else s.end(REFUSAL, () => s.destroy());
  };

  server.on('connection', (s: Socket) => {
    const address = s.remoteAddress ?? '?';
    const mine = byAddress.get(address);
    if (mine && mine.open >= o.perAddress && !shed(mine.idle.values().next().value)) return refuse(s);
    if (inFlight.size >= o.perPort && !shed(idle.values().next().value)) return refuse(s);
    const entry = byAddress.get(address) ?? { open: 0, idle: new Set<Socket>() };
    byAddress.set(address, entry);
    entry.open++;
    addressOf.set(s, address);
    inFlight.set(s, 0);
    setIdle(s);
    s.once('close', () => forget(s));
  });
  server.on('request', (req: { socket: Socket }, res: { once(e: 'close', f: () => void): void }) => {
    const s = tcpSocket(req.socket);
    const n = inFlight.get(s);
    if (n === undefined) return;
    inFlight.set(s, n + 1);
    idle.delete(s);
    byAddress.get(addressOf.get(s) as string)?.idle.delete(s);
    res.once('close', () => {
      const now = inFlight.get(s);
      if (now === undefined) return;
      const left = now - 1;
      inFlight.set(s, left);
      if (left === 0) setIdle(s);
    });
  });
  return () => ({ open: inFlight.size, ...totals });
}

/** Share of the file descriptor limit each port may use: both ports together stay under 70 %. */
const SHARE_PER_PORT = 0.35;
/** Default cap per client address. */
export const DEFAULT_PER_ADDRESS = 64;
/** The assumed file descriptor limit when the real one cannot be read (Linux's usual soft limit). */
const ASSUMED_FD_LIMIT = 1024;
/** The largest automatic cap per port (an unlimited fd limit is not a reason for more). */
const MAX_AUTO_PER_PORT = 100_000;

/** The soft open-file limit in `/proc/self/limits` text; Infinity when unlimited, undefined when absent. */
export function openFileLimit(limitsText: string | undefined): number | undefined {
  const m = /^Max open files\s+(\S+)/m.exec(limitsText ?? '');
  if (!m) return undefined;
  return m[1] === 'unlimited' ? Infinity : Number(m[1]) || undefined;
}

/** This process's soft open-file limit (Linux `/proc/self/limits`); undefined when unknown. */
export function processFileLimit(read = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  try {
    return openFileLimit(read());
  } catch {
    return undefined;
  }
}

/**
 * The caps of each port: configured values, or (0) derived from the fd limit — 35 % of it per port
 * (at least 16), and 64 per address, never more than the port's cap.
 */
export function connectionLimits(
  configured: { perPort: number; perAddress: number },
  fdLimit: number | undefined,
): ConnectionLimits {
  const auto = Math.floor((fdLimit ?? ASSUMED_FD_LIMIT) * SHARE_PER_PORT);
  const perPort = configured.perPort || Math.max(16, Math.min(MAX_AUTO_PER_PORT, auto));
  const perAddress = Math.min(perPort, configured.perAddress || DEFAULT_PER_ADDRESS);
  return { perPort, perAddress };
}
