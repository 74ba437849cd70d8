/**
 * The running daemon's record (ADR 0025): `$RAZOR_HOME/daemon.json`, written by the daemon once it
 * listens and removed when it stops cleanly, so the CLI knows where the daemon of this home really
 * is (`razor daemon status`, the URLs in `razor config ipxe`). Written atomically (a temporary file
 * renamed over it), mode 0644 but owned by the daemon. A record whose pid is gone is stale: readers
 * say so and ignore it; the next daemon replaces it.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a running daemon listens and what it is. */
export interface DaemonRecord {
  pid: number;
  version: string;
  /** ISO time the daemon started listening. */
  started: string;
  home: string;
  store: string;
  /** The admin API, e.g. `https://localhost:8026` (`tls` says whether it is HTTPS). */
  api_url: string;
  tls: boolean;
  api_port: number;
  /** Host and port nodes are told (the iPXE chain, the Microkernel, installer callbacks). */
  node_host: string;
  node_port: number;
  image_port: number;
  /** The owner's Unix socket, or null when the daemon opened none. */
  socket: string | null;
  /** The built-in TFTP/ProxyDHCP lines of the banner (empty when they are off). */
  pxe: string[];
}

/** What a home's record says: a live daemon, a stale record (its pid is gone), or nothing. */
export type RecordState =
  { state: 'running'; record: DaemonRecord } | { state: 'stale'; record: DaemonRecord } | { state: 'none' };

/** The record file of a razor home. */
export const daemonRecordFile = (home: string) => join(home, 'daemon.json');

/** Is a process with this pid alive (EPERM: alive, but another user's)? */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parses a record's text; undefined when it is not one. */
export function parseRecord(text: string): DaemonRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<DaemonRecord>;
    if (typeof r.pid === 'number' && typeof r.api_url === 'string' && typeof r.node_port === 'number')
      return r as DaemonRecord;
  } catch {
    // Not JSON (a half-written file cannot happen: it is renamed into place).
  }
  return undefined;
}

/**
 * Reads the record of `home`, checking its pid: a missing file (or one that is no record) is
 * `none`; one this user may not read throws (nothing can be said then).
 */
export function readDaemonRecord(home: string, alive: (pid: number) => boolean = pidAlive): RecordState {
  let text: string;
  try {
    text = readFileSync(daemonRecordFile(home), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'none' };
    throw err;
  }
  const record = parseRecord(text);
  if (!record) return { state: 'none' };
  return alive(record.pid) ? { state: 'running', record } : { state: 'stale', record };
}

/** Writes the record atomically: a temporary file beside it, then rename. */
export function writeDaemonRecord(home: string, record: DaemonRecord): void {
  const file = daemonRecordFile(home);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, file);
}

/** Removes the record if it is still `pid`'s (never another daemon's). */
export function removeDaemonRecord(home: string, pid: number): void {
  try {
    const current = readDaemonRecord(home, () => true);
    if (current.state !== 'none' && current.record.pid !== pid) return;
    unlinkSync(daemonRecordFile(home));
  } catch {
    // Already gone, or not ours to read.
  }
}

/** The uptime of a record as `2d 3h`, `4h 5m`, `6m 7s` or `8s`. */
export function uptime(record: Pick<DaemonRecord, 'started'>, now: Date): string {
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(record.started)) / 1000));
  const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${s % 60}s` : `${s % 60}s`;
}
