/** What the hook verbs share: the name field, finding a hook by name, and a hook as shown. */
import { RazorError } from '../../lib/errors.js';
import { field } from '../../lib/verbs/fields.js';
import { HOOK_NAME, presentHook, type HookDoc } from '../../lib/hooks/hook-doc.js';
import { hookStatus } from '../../lib/hooks/hook-status.js';
import type { StoreReader } from '../../lib/store/store.js';
import type { VerbContext } from '../../lib/verbs/context.js';

/** The field naming a hook. */
export const nameField = (help: string) =>
  field.string({
    help,
    required: true,
    pattern: HOOK_NAME,
    patternHelp: 'must be a name of letters, digits, ., _ and -',
  });

/** The hook named `name`, or NotFound. */
export async function hookNamed(r: StoreReader, name: string): Promise<HookDoc> {
  const found = (await r.all<HookDoc>('hook')).find((h) => h.name === name);
  if (!found) throw new RazorError('NotFound', `Not found: no hook named '${name}'`);
  return found;
}

/** A hook as shown: its secret hidden, its delivery status beside it. */
export async function shownHook(doc: HookDoc, ctx: VerbContext) {
  return { ...presentHook(doc), status: await hookStatus(doc, ctx.config.home) };
}
