/**
 * Who may call what (ADR 0009, ADR 0014): node-facing verbs (boots, checkins, registers,
 * callbacks) are open, as firmware needs; admin verbs need `Authorization: Bearer <token>`, except
 * on the daemon's Unix socket in `$RAZOR_HOME`, which only the daemon's user and root can connect
 * to. `auth_allow_localhost` says how far local trust goes: `owner` (the default) — the socket;
 * `true` — also every loopback TCP client (unsafe on a shared host); `false` — nobody.
 * A token that is sent is always checked, wherever it comes from: a wrong one is refused.
 */
import { bearer, findToken, isLoopback } from '../../lib/domain/tokens.js';
import type { AuthRequest, Verdict } from './rest-handler.js';
import type { Store } from '../../lib/store/store.js';

/** Which local clients need no token (`auth_allow_localhost`). */
export type LocalTrust = 'owner' | 'true' | 'false';

/** The listener a request arrived on: the owner's Unix socket or a TCP port. */
export type Channel = 'socket' | 'tcp';

/** Settings for the authorizer. */
export interface AuthOptions {
  store: Store;
  allowLocalhost: LocalTrust;
  /** The listener this authorizer guards. */
  channel: Channel;
}

const NEEDS_TOKEN =
  "this route needs 'Authorization: Bearer <token>'; create one with 'razor token create -n <name>'";

/** Said to loopback clients only: remote ones learn nothing about the host. */
const LOCAL_HINT =
  "; on this host the daemon's user and root need none on the Unix socket razor.sock in $RAZOR_HOME";

/** How the start-up banner says who needs no token. */
export const LOCAL_EXCEPTION: Record<LocalTrust, string> = {
  owner: ' except on the local socket',
  true: ' except on the local socket and from this host over TCP (unsafe on a shared host)',
  false: ', also on the local socket',
};

/** Builds the authorize function of one listener. */
export function authorizer(o: AuthOptions) {
  const byToken = (secret: string): Promise<Verdict> =>
    o.store
      .read((r) => findToken(r, secret))
      .then((token): Verdict =>
        token ? { ok: true, who: `token:${token.name}` } : { ok: false, why: 'unknown or revoked token' },
      );
  // Synchronous unless a token must be looked up: boots and checkins need no promise.
  return (req: AuthRequest): Verdict | Promise<Verdict> => {
    const verb = req.verb;
    if (verb?.nodeFacing && verb.http === req.method) return { ok: true, who: 'node' };
    const secret = bearer(req.authorization);
    if (secret) return byToken(secret);
    if (o.channel === 'socket' && o.allowLocalhost !== 'false') return { ok: true, who: 'local:socket' };
    const loopback = o.channel === 'tcp' && isLoopback(req.remote);
    if (loopback && o.allowLocalhost === 'true') return { ok: true, who: 'localhost' };
    return {
      ok: false,
      why: loopback && o.allowLocalhost === 'owner' ? NEEDS_TOKEN + LOCAL_HINT : NEEDS_TOKEN,
    };
  };
}
