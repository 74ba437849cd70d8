/**
 * Who may call what (ADR 0009): node-facing verbs (boot, checkin, register, callbacks) are open,
 * as firmware needs; admin verbs need `Authorization: Bearer <token>` unless the daemon listens on
 * loopback only, or the client is on this host and `auth_allow_localhost` is true.
 */
import { bearer, findToken, isLoopback } from '../lib/auth.js';
import { routeWords } from '../lib/router.js';
import type { AuthRequest } from './app.js';
import type { SliceRegistry } from '../lib/spec.js';
import type { Store } from '../lib/store/store.js';

/** Settings for the authorizer. */
export interface AuthOptions {
  registry: SliceRegistry;
  store: Store;
  listenAddress: string;
  allowLocalhost: boolean;
}

/** Builds the daemon's authorize function. */
export function authorizer(o: AuthOptions) {
  const loopbackOnly = isLoopback(o.listenAddress) || o.listenAddress === 'localhost';
  return async (req: AuthRequest): Promise<{ ok: true; who: string } | { ok: false; why: string }> => {
    const [sliceName, ...rest] = req.argv;
    const slice = sliceName === undefined ? undefined : o.registry.get(sliceName);
    const verb = slice && routeWords(slice, rest.slice(0, -1))?.verb;
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
    const token = await o.store.read((r) => findToken(r, secret));
    return token ? { ok: true, who: `token:${token.name}` } : { ok: false, why: 'unknown or revoked token' };
  };
}
