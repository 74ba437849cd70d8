/**
 * The daemon's presence in its home (ADR 0025): it claims the store's daemon lock before it
 * listens (a second daemon stops, naming the first), publishes its record once it listens, and
 * withdraws both when it stops.
 */
import { RazorError } from '../lib/errors.js';
import { claimStore, lockBase, type DaemonLock } from '../lib/runtime/daemon-lock.js';
import {
  readDaemonRecord,
  removeDaemonRecord,
  writeDaemonRecord,
  type DaemonRecord,
} from '../lib/runtime/daemon-record.js';
import type { Deps } from '../lib/verbs/context.js';

/** Claims the store at `store` for the daemon of `home`; throws, naming the holder, when it is taken. */
export function claimForDaemon(store: string, home: string): DaemonLock {
  const claim = claimStore(lockBase(store, home), home);
  if (!('heldBy' in claim)) return claim;
  const { pid, home: theirHome } = claim.heldBy;
  let found: ReturnType<typeof readDaemonRecord> = { state: 'none' };
  try {
    if (theirHome) found = readDaemonRecord(theirHome);
  } catch {
    // Their home is not ours to read: the pid is all there is to say.
  }
  const where = found.state === 'running' ? `, API ${found.record.api_url}` : ', still starting';
  const whose = theirHome && theirHome !== home ? ` (RAZOR_HOME ${theirHome})` : '';
  throw new RazorError(
    'StoreUnavailable',
    `another razor daemon is serving this RAZOR_HOME's store ${store}: pid ${pid ?? '?'}${where}${whose}; ` +
      "stop it first ('razor daemon status' says where it listens)",
  );
}

/** The running daemon's presence: its record written, and how to withdraw it. */
export interface Presence {
  withdraw(): void;
}

/** Writes the record; `withdraw` removes it and releases the lock. */
export function publish(home: string, record: DaemonRecord, lock: DaemonLock): Presence {
  writeDaemonRecord(home, record);
  let done = false;
  const withdraw = () => {
    if (done) return;
    done = true;
    removeDaemonRecord(home, record.pid);
    lock.release();
  };
  return { withdraw };
}

/** Where the daemon listens, once it does (the ports really listened on: `--port 0` picks one). */
export interface Listening {
  apiUrl: string;
  tls: boolean;
  apiPort: number;
  imagePort: number;
}

/** What else the record names: the socket and the TFTP/ProxyDHCP banner lines. */
export interface Serving {
  socket: string | undefined;
  pxe: readonly string[];
}

/** The record of the daemon of `deps` listening as `l` says (nodes use the image port with TLS: ADR 0010). */
export function daemonRecord(
  deps: Deps,
  version: string,
  l: Listening,
  o: Serving,
  now = new Date(),
): DaemonRecord {
  return {
    pid: process.pid,
    version,
    started: now.toISOString(),
    home: deps.config.home,
    store: deps.store.location,
    api_url: l.apiUrl,
    tls: l.tls,
    api_port: l.apiPort,
    node_host: deps.config.values.image_svc_host,
    node_port: l.tls ? l.imagePort : l.apiPort,
    image_port: l.imagePort,
    socket: o.socket ?? null,
    pxe: o.pxe.map((line) => line.trim()),
  };
}
