/**
 * The authorizer of the plain-HTTP node port (ADR 0010): with TLS on, the image service port also
 * serves the node-facing verbs (boot, checkin, register, callbacks) for firmware without HTTPS — and
 * nothing else, so no token ever travels in cleartext.
 */
import { RazorError } from '../lib/errors.js';
import { routeWords } from '../lib/router.js';
import type { AuthRequest } from './app.js';
import type { SliceRegistry } from '../lib/spec.js';

/** Settings for `nodeFacingOnly`. */
export interface NodeOnlyOptions {
  registry: SliceRegistry;
  /** Where admin routes are served, for the message. */
  adminUrl: string;
}

/** Builds an authorize function that lets node-facing verbs through and refuses every other route with 404. */
export function nodeFacingOnly(o: NodeOnlyOptions) {
  return async (req: AuthRequest): Promise<{ ok: true; who: string }> => {
    const [sliceName, ...rest] = req.argv;
    const slice = sliceName === undefined ? undefined : o.registry.get(sliceName);
    const verb = slice && routeWords(slice, rest.slice(0, -1))?.verb;
    if (verb?.nodeFacing && verb.http === req.method) return { ok: true, who: 'node' };
    throw new RazorError(
      'NotFound',
      `this port serves only the node-facing routes over plain HTTP; admin routes are at ${o.adminUrl}`,
    );
  };
}
