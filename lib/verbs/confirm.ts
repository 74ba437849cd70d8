/**
 * Destructive verbs ask first. A verb declaring `confirm` removes all of its slice's collection
 * (`always`) or one object that may be in use (`when-used`). At a terminal the human CLI passes an
 * `ask` function and razor puts the question, naming what uses what; a yes removes (in use
 * included). Without a terminal (`-w`, pipes, REST) nothing is asked: removing all needs `yes`,
 * and removing what is in use needs `force` (refused by the verb otherwise, naming the users).
 */
import { RazorError } from '../errors.js';
import { describeUsages, usagesOf } from './in-use.js';
import type { Deps } from './context.js';
import type { SliceSpec, VerbInput, VerbSpec } from './spec.js';
import type { Doc } from '../store/store.js';

/** Asks the operator a yes/no question; resolves true for yes. */
export type Ask = (question: string) => Promise<boolean>;

/** Checks a `confirm` verb's input before it runs; may set `force` when the operator agreed. */
export async function confirmRemoval(
  deps: Deps,
  slice: SliceSpec,
  verb: VerbSpec,
  input: VerbInput,
  ask: Ask | undefined,
): Promise<void> {
  const confirm = verb.confirm;
  if (!confirm || !slice.collection || input.yes === true) return;
  const collection = slice.collection;
  const { docs, usages } = await deps.store.read(async (r) => {
    const found: Doc[] =
      confirm.ask === 'always'
        ? await r.all(collection)
        : [await r.get(collection, String(input.uuid))].filter((d): d is Doc => d !== undefined);
    return { docs: found, usages: input.force === true ? [] : await usagesOf(found, verb.inUseBy ?? [], r) };
  });
  const all = confirm.ask === 'always';
  if (docs.length === 0 || (!all && usages.length === 0)) return;
  if (!ask) {
    if (!all) return; // the verb refuses what is in use without force, naming the users
    throw new RazorError(
      'ConfirmationRequired',
      `${slice.name} remove all would remove ${docs.length} ${confirm.noun} object(s); nothing was removed. ` +
        `Confirm with --yes (-y; with -w: '{"yes":true}')${usages.length ? ', and --force as some are in use' : ''}`,
    );
  }
  const what = all ? `every ${confirm.noun} (${docs.length})` : `${confirm.noun} ${String(docs[0]?.uuid)}`;
  const question = usages.length
    ? `Remove ${what}? ${describeUsages(confirm.noun, usages)}.\nRemove anyway? [y/N] `
    : `Remove ${what}? [y/N] `;
  if (!(await ask(question))) {
    throw new RazorError('UserCancelled', 'cancelled at the prompt; nothing was removed');
  }
  input.yes = true;
  if (usages.length) input.force = true;
}
