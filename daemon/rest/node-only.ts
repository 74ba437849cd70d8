/**
 * The authorizer of the plain-HTTP node port (ADR 0010): with TLS on, the image service port also
 * serves the node-facing verbs (boot, checkin, register, callbacks) for firmware without HTTPS — and
 * nothing else, so no token ever travels in cleartext.
 */
import { RazorError } from '../../lib/errors.js';
import type { AuthRequest, Verdict } from './rest-handler.js';

/** Settings for `nodeFacingOnly`. */
export interface NodeOnlyOptions {
  /** Where admin routes are served, for the message. */
  adminUrl: string;
}

/** Builds an authorize function that lets node-facing verbs through and refuses every other route with 404. */
export function nodeFacingOnly(o: NodeOnlyOptions) {
  return (req: AuthRequest): Verdict => {
    const verb = req.verb;
    if (verb?.nodeFacing && verb.http === req.method) return { ok: true, who: 'node' };
    throw new RazorError(
      'NotFound',
      `this port serves only the node-facing routes over plain HTTP; admin routes are at ${o.adminUrl}`,
    );
  };
}
