/**
 * Who may call what (ADR 0009): node-facing verbs (boot, checkin, register, callbacks) are open,
 * as firmware needs; admin verbs need `Authorization: Bearer <token>` unless the daemon listens on
 * loopback only, or the client is on this host and `auth_allow_localhost` is true.
 */
import { bearer, findToken, isLoopback } from '../lib/auth.js';
import type { AuthRequest, Verdict } from './rest-handler.js';
import type { Store } from '../lib/store/store.js';

/** Settings for the authorizer. */
export interface AuthOptions {
  store: Store;
  listenAddress: string;
  allowLocalhost: boolean;
}

/** Builds the daemon's authorize function. */
export function authorizer(o: AuthOptions) {
  const loopbackOnly = isLoopback(o.listenAddress) || o.listenAddress === 'localhost';
  // Synchronous unless a token must be looked up: boots and checkins need no promise.
  return (req: AuthRequest): Verdict | Promise<Verdict> => {
    const verb = req.verb;
    if (verb?.nodeFacing && verb.http === req.method) return { ok: true, who: 'node' };
    if (loopbackOnly) return { ok: true, who: 'loopback' };
    if (o.allowLocalhost && isLoopback(req.remote)) return { ok: true, who: 'localhost' };
    const secret = bearer(req.authorization);
    if (!secret) {
      return {
        ok: false,
        why: "this route needs 'Authorization: Bearer <token>'; create one with 'razor token create -n <name>'",
      };
    }
    return o.store
      .read((r) => findToken(r, secret))
      .then((token): Verdict =>
        token ? { ok: true, who: `token:${token.name}` } : { ok: false, why: 'unknown or revoked token' },
      );
  };
}
