/**
 * Translator 2 of 3 (ADR 0021): a call's outcome as the HTTP response the daemon sends (and
 * `razor -w` prints the body of, as the original daemon sent its child's output). An error is its
 * table status with the `-w` error envelope — with one special case: a verb whose clients cannot
 * read an envelope (the boot route's iPXE) gets its error text, a script that says what is wrong,
 * with status 200.
 */
import { ERRORS, type RazorError } from '../errors.js';
import { commandName, successEnvelope } from './envelope.js';
import { safeJson } from './safe-json.js';
import { translateToEnvelope } from './translate-envelope.js';
import type { Deps } from './context.js';
import type { Outcome } from './dispatch.js';
import type { SliceSpec, VerbSpec } from './spec.js';

/** What goes on the wire for an outcome: status, content type and body. */
export interface Wire {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * The error text of a verb that answers errors as text, for an error its handler's clients can be
 * sent (a call with the wrong method never reached the verb: it gets the envelope).
 */
function errorTextFor(error: RazorError, verb: VerbSpec | undefined, deps: Deps | undefined) {
  if (!verb?.errorText || !deps || error.kind === 'MethodNotAllowed') return undefined;
  return verb.errorText(error.message, { ...deps, mode: 'web' });
}

/**
 * Serialises an outcome: text verbs send their text, everything else one JSON envelope (terminal
 * controls `\u`-escaped: the same values, harmless when printed). `deps` renders the iPXE error
 * script; without them (failures before any verb ran) every error is an envelope.
 */
export async function translateToHttp(o: Outcome, deps?: Deps): Promise<Wire> {
  if (o.error) {
    const text = errorTextFor(o.error, o.verb, deps);
    if (text) return { status: 200, contentType: TEXT_TYPE, body: await text };
    const command = o.slice && o.verb ? commandName(o.slice, o.verb) : undefined;
    const body = translateToEnvelope(o.error, o.slice?.name, command);
    return { status: ERRORS[o.error.kind].http, contentType: JSON_TYPE, body };
  }
  const slice = o.slice as SliceSpec;
  const verb = o.verb as VerbSpec;
  if (verb.contentType === 'text/plain') {
    return { status: 200, contentType: TEXT_TYPE, body: String(o.answer ?? '') };
  }
  const env = successEnvelope(slice.name, commandName(slice, verb), verb.success, o.answer);
  return { status: env.http_err_code, contentType: JSON_TYPE, body: safeJson(env) };
}
