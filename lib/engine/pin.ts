/**
 * Who may have an install's callbacks (ADR 0016). An install is pinned at its first boot: the
 * address it booted from and a random install key. The boot script's callback URL
 * (`…/callback/<uuid>`) reaches only the callbacks a model type marks `public`; every other callback
 * needs `…/callback/<uuid>.<key>/…`, a URL found only in the files secret callbacks serve. A secret
 * callback is served at most `secrets_serve_limit` times per install, and a public one (the
 * installer's first file) only to the pinned address and only while `/boot` answers `install`.
 */
import { timingSafeEqual } from 'node:crypto';
import { RazorError } from '../errors.js';
import { bootAnswer } from './fsm.js';
import type { Config } from '../config.js';
import type { ActiveModelDoc, InstallPin } from '../domain/documents.js';
import type { CallbackSpec, ModelType } from '../domain/model-type.js';

const CALLBACK_ID = /^([0-9A-Za-z]{22})(?:\.([0-9A-Za-z]{22}))?$/;

/** Whether secret files go only to the install's first-boot address (config secrets_to_boot_address). */
export const pinsAddress = (config: Config): boolean => config.values.secrets_to_boot_address === 'true';

/** The pin of an install's first boot from `address`. */
export function newPin(address: string, key: string, at: Date): InstallPin {
  return { address, key, pinned_at: at.toISOString(), served: {} };
}

/** A callback URL's first element: the active model's whole UUID, and the install key if given. */
export function parseCallbackId(id: string): { uuid: string; key?: string } | undefined {
  const m = CALLBACK_ID.exec(id);
  return m ? { uuid: m[1] as string, ...(m[2] ? { key: m[2] } : {}) } : undefined;
}

const sameKey = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** One callback call as the access check sees it. */
export interface CallbackCall {
  config: Config;
  type: ModelType;
  am: ActiveModelDoc;
  spec: CallbackSpec;
  /** `<namespace>/<action>` as declared (the key it is counted under). */
  name: string;
  /** The install key from the URL, if any. */
  key: string | undefined;
  /** The caller's address. */
  remote: string;
}

const forbidden = (message: string) => new RazorError('Forbidden', message);

function checkKey(c: CallbackCall, pin: InstallPin | undefined): void {
  if (c.key !== undefined && (!pin || !sameKey(c.key, pin.key)))
    throw forbidden(`callback ${c.name} of active model ${c.am.uuid}: that is not this install's key`);
  if (c.spec.public || (pin && c.key !== undefined)) return;
  throw forbidden(
    `callback ${c.name} of active model ${c.am.uuid} needs the install key: it is called through ` +
      "the URL in the files razor served this install, not the boot script's" +
      (pin ? '' : ' (and this install has not booted yet)'),
  );
}

function checkSecret(c: CallbackCall, pin: InstallPin | undefined): void {
  const what = `active model ${c.am.uuid}`;
  if (!pin)
    throw forbidden(`${what} has not booted this install yet: its files are served after its first boot`);
  if (c.spec.public && bootAnswer(c.type, c.am.state) !== 'install')
    throw forbidden(`${what} is in state ${c.am.state}: ${c.name} is served only while the node installs`);
  if (c.spec.public && pinsAddress(c.config) && pin.address !== c.remote)
    throw forbidden(
      `${what} serves ${c.name} only to the address this install first booted from, not to ` +
        `${c.remote}; if the node has moved, an admin runs 'razor active_model ${c.am.uuid} ` +
        "rebind-address' (config secrets_to_boot_address)",
    );
  const limit = c.config.values.secrets_serve_limit;
  const served = pin.served[c.name] ?? 0;
  if (limit > 0 && served >= limit)
    throw forbidden(
      `${what} has served ${c.name} ${served} times this install, its limit (config ` +
        `secrets_serve_limit); an admin re-arms it with 'razor active_model ${c.am.uuid} rebind-address'`,
    );
}

/** Throws Forbidden (changing nothing) unless the caller may have this callback now. */
export function checkCallbackAccess(c: CallbackCall): void {
  checkKey(c, c.am.pin);
  if (c.spec.secret) checkSecret(c, c.am.pin);
}

/** Counts one serving of a secret callback (mutates `am`). */
export function countServed(am: ActiveModelDoc, name: string): void {
  if (am.pin) am.pin.served[name] = (am.pin.served[name] ?? 0) + 1;
}
