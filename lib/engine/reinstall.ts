/**
 * The admin's ways to start an install over and to move its pin (ADR 0016). Nodes cannot do either
 * through callbacks: a callback never leaves the installed states or re-arms an install, and a boot
 * from another address never moves the pin.
 */
import { isIP } from 'node:net';
import { RazorError } from '../errors.js';
import { mustGet } from '../verbs/crud/index.js';
import { logEvent } from './fsm.js';
import { newPin } from './pin.js';
import type { VerbContext } from '../verbs/context.js';
import type { ActiveModelDoc } from '../domain/documents.js';

/** Runs `change` on the active model `uuid` in one write and logs it; returns the stored document. */
async function change(
  ctx: VerbContext,
  uuid: string,
  action: string,
  apply: (am: ActiveModelDoc, at: Date) => string,
): Promise<ActiveModelDoc> {
  return ctx.store.write(async (w) => {
    const am = await mustGet<ActiveModelDoc>(w, 'active_model', uuid);
    const old = am.state;
    const at = ctx.clock();
    const result = apply(am, at);
    logEvent(am, { old_state: old, action, result }, at);
    await w.put('active_model', am);
    return am;
  });
}

/**
 * Starts the install over: state `init`, so the node's next PXE boot installs again (overwriting
 * its disk); the pin is cleared, so that boot pins the new install with a new key.
 */
export function reinstall(ctx: VerbContext, uuid: string): Promise<ActiveModelDoc> {
  return change(ctx, uuid, 'reinstall', (am) => {
    if (!ctx.catalog.modelTypes.has(am.model.type))
      throw new RazorError(
        'ActiveModelInvalid',
        `active model ${am.uuid} uses model type '${am.model.type}', which razor no longer has`,
      );
    am.state = 'init';
    delete am.pin;
    delete am.last_boot;
    return "started over by an admin: the node's next boot installs again";
  });
}

/**
 * Moves the install's pin: to `address` (a new install key, counts reset) or, without one, clears
 * it so that the node's next boot pins the install again.
 */
export function rebindAddress(ctx: VerbContext, uuid: string, address?: string): Promise<ActiveModelDoc> {
  if (address !== undefined && isIP(address) === 0)
    throw new RazorError('InputError', `'${address}' is not an IP address`);
  return change(ctx, uuid, 'rebind_address', (am, at) => {
    const was = am.pin ? `was ${am.pin.address}` : 'was not pinned';
    if (address === undefined) {
      delete am.pin;
      return `pin cleared by an admin (${was}): the next boot pins the install`;
    }
    am.pin = newPin(address, ctx.newUuid(), at);
    return `pinned to ${address} by an admin (${was}); new install key, counts reset`;
  });
}
