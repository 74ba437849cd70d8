/**
 * Which local user opened a loopback TCP connection (ADR 0012). Linux lists every socket of the
 * network namespace in /proc/net/tcp and /proc/net/tcp6 with the uid that owns it; the client's
 * end of a connection to us is the entry whose local address is the peer's and whose remote
 * address is ours. This is what identd did, without a daemon: no packet leaves the host.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';

/** Both ends of an accepted connection, as `net.Socket` reports them. */
export interface ConnectionEnds {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
}

/** Reads a /proc/net table; a missing one is empty. */
export type ProcReader = (path: string) => Promise<string>;

const readProc: ProcReader = (path) => readFile(path, 'utf8').catch(() => '');

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer; IPv6 in its canonical lower-case form. */
function plain(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** The 4 bytes of one 32-bit word of /proc/net/tcp*, in network order. */
function wordBytes(hex: string, little: boolean): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return little ? bytes.reverse() : bytes;
}

/** A /proc/net/tcp* address (`0100007F` or 32 hex digits) as `plain()` writes addresses. */
export function procAddress(hex: string, little = endianness() === 'LE'): string {
  if (hex.length === 8) return wordBytes(hex, little).join('.');
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8), little));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The canonical form: the longest run of two or more zero groups becomes `::`.
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.at < 0) return groups.join(':');
  const head = groups.slice(0, best.at).join(':');
  const tail = groups.slice(best.at + best.length).join(':');
  return `${head}::${tail}`;
}

/** One socket of a /proc/net/tcp* table. */
interface ProcSocket {
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  uid: number;
}

function parseTable(text: string): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [local, localPort] = (f[1] ?? '').split(':');
    const [remote, remotePort] = (f[2] ?? '').split(':');
    if (!local || !localPort || !remote || !remotePort) continue;
    sockets.push({
      local: procAddress(local),
      localPort: parseInt(localPort, 16),
      remote: procAddress(remote),
      remotePort: parseInt(remotePort, 16),
      uid: Number(f[7]),
    });
  }
  return sockets;
}

/**
 * The uid owning the client's end of a connection from this host, or undefined when it is not
 * listed (not a local peer, already closed, or no /proc).
 */
export async function localPeerUid(
  ends: ConnectionEnds,
  read: ProcReader = readProc,
): Promise<number | undefined> {
  const { remoteAddress, remotePort, localAddress, localPort } = ends;
  if (!remoteAddress || !localAddress || remotePort === undefined || localPort === undefined)
    return undefined;
  const peer = plain(remoteAddress);
  const us = plain(localAddress);
  for (const table of TABLES) {
    const found = parseTable(await read(table)).find(
      (s) => s.localPort === remotePort && s.remotePort === localPort && s.local === peer && s.remote === us,
    );
    if (found && Number.isInteger(found.uid)) return found.uid;
  }
  return undefined;
}
