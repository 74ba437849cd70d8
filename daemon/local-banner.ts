/**
 * What the start-up banner says about local access (ADR 0014): the owner's Unix socket (or why
 * there is none), and the first commands to try — listing policies over the socket without a
 * token and over TCP with the first token, the README's two `curl` lines.
 */
import { existsSync } from 'node:fs';
import type { LocalTrust } from './rest/authorize.js';

/** What the lines depend on. */
export interface LocalBannerOptions {
  /** The owner's socket, when it is open… */
  path?: string | undefined;
  /** …or why it is not. */
  why?: string | undefined;
  trust: LocalTrust;
  /** `http(s)://host:port` of the API port. */
  apiUrl: string;
  /** The TLS certificate to trust, when the API port serves HTTPS. */
  certPath: string | undefined;
  /** `$RAZOR_HOME/admin.token`. */
  tokenFile: string;
}

/** The banner's `socket` line and the first lines of its "Next:" list. */
export function localBanner(o: LocalBannerOptions): { socket: string; next: string[] } {
  const socket = o.path
    ? `  socket   ${o.path}   (the admin API for this user and root over a Unix socket)`
    : `  socket   none: ${o.why ?? 'not opened'}`;
  const token = existsSync(o.tokenFile) ? `$(cat ${o.tokenFile})` : '<token>';
  const cacert = o.certPath ? `--cacert ${o.certPath} ` : '';
  const overTcp = `  curl ${cacert}-H "Authorization: Bearer ${token}" ${o.apiUrl}/razor/api/policy`;
  if (!o.path || o.trust === 'false')
    return { socket, next: [`${overTcp}      list policies (empty on a new store)`] };
  const overSocket = `  curl --unix-socket ${o.path} http://localhost/razor/api/policy`;
  return {
    socket,
    next: [`${overSocket}      list policies (empty on a new store)`, `${overTcp}      the same over TCP`],
  };
}
