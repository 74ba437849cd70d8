/**
 * Who may call what (ADR 0009, ADR 0012): node-facing verbs (boot, checkin, register, callbacks)
 * are open, as firmware needs; admin verbs need `Authorization: Bearer <token>`, except from a
 * client on this host as `auth_allow_localhost` says: `owner` (the default) — a process of the
 * daemon's own user or root; `true` — any local user; `false` — nobody.
 */
import { bearer, findToken, isLoopback } from '../lib/auth.js';
import type { AuthRequest, Verdict } from './rest-handler.js';
import type { ConnectionEnds } from './peer-uid.js';
import type { Store } from '../lib/store/store.js';

/** Which local clients need no token. */
export type LocalTrust = 'owner' | 'true' | 'false';

/** Settings for the authorizer. */
export interface AuthOptions {
  store: Store;
  allowLocalhost: LocalTrust;
  /** The uid owning the client's end of a loopback connection (daemon/peer-uid.ts). */
  peerUid: (ends: ConnectionEnds) => Promise<number | undefined>;
  /** The daemon's own uid (`process.getuid()`). */
  ownUid: number;
}

const NEEDS_TOKEN =
  "this route needs 'Authorization: Bearer <token>'; create one with 'razor token create -n <name>'";

/** Builds the daemon's authorize function. */
export function authorizer(o: AuthOptions) {
  const byToken = (req: AuthRequest): Verdict | Promise<Verdict> => {
    const secret = bearer(req.authorization);
    if (!secret) return { ok: false, why: NEEDS_TOKEN };
    return o.store
      .read((r) => findToken(r, secret))
      .then((token): Verdict =>
        token ? { ok: true, who: `token:${token.name}` } : { ok: false, why: 'unknown or revoked token' },
      );
  };
  const byOwner = async (req: AuthRequest): Promise<Verdict> => {
    const uid = await o.peerUid(req.connection);
    if (uid !== undefined && (uid === o.ownUid || uid === 0))
      return { ok: true, who: `localhost:uid=${uid}` };
    if (bearer(req.authorization)) return byToken(req);
    const user = uid === undefined ? 'an unknown local user' : `local uid ${uid}`;
    return { ok: false, why: `${NEEDS_TOKEN} (${user} is not the daemon's user, uid ${o.ownUid})` };
  };
  // Synchronous unless a token or a local peer must be looked up: boots and checkins need no promise.
  return (req: AuthRequest): Verdict | Promise<Verdict> => {
    const verb = req.verb;
    if (verb?.nodeFacing && verb.http === req.method) return { ok: true, who: 'node' };
    if (o.allowLocalhost !== 'false' && isLoopback(req.remote)) {
      if (o.allowLocalhost === 'true') return { ok: true, who: 'localhost' };
      return byOwner(req);
    }
    return byToken(req);
  };
}
