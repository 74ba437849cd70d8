/** The hook verbs that name one hook: `get`, `remove` and `test` (a delivery from this process, now). */
import { RazorError } from '../../lib/errors.js';
import { defineVerb, type VerbSpec } from '../../lib/verbs/spec.js';
import { DEFAULT_HOOK_PATH, deliverEvent, hookTestEvent } from '../../lib/hooks/deliver.js';
import { hookNamed, nameField, shownHook } from './common.js';

/** get, remove, test. */
export const namedHookVerbs: VerbSpec[] = [
  defineVerb({
    name: 'get',
    summary: 'Show one hook with its delivery status',
    fields: { name: nameField('Name of the hook') },
    positional: ['name'],
    forms: [':name'],
    success: 'ok',
    http: null,
    view: 'item',
    sample: { name: 'seeded-hook' },
    handler: async (input, ctx) => [
      await shownHook(await ctx.store.read((r) => hookNamed(r, input.name)), ctx),
    ],
  }),
  defineVerb({
    name: 'remove',
    summary: 'Remove a hook (events not yet delivered to it are not)',
    fields: { name: nameField('Name of the hook to remove') },
    positional: ['name'],
    success: 'removed',
    http: null,
    view: 'text',
    sample: { name: 'seeded-hook' },
    handler: async (input, ctx) => {
      const doc = await ctx.store.write(async (w) => {
        const found = await hookNamed(w, input.name);
        await w.remove('hook', found.uuid);
        return found;
      });
      return `hook ${doc.name} removed`;
    },
  }),
  defineVerb({
    name: 'test',
    summary: 'Deliver a hook-test event to a hook now, from this process, and say how it went',
    fields: { name: nameField('Name of the hook to test') },
    positional: ['name'],
    success: 'ok',
    http: null,
    view: 'text',
    sample: { name: 'seeded-hook' },
    handler: async (input, ctx) => {
      const hook = await ctx.store.read((r) => hookNamed(r, input.name));
      const outcome = await deliverEvent(hook, hookTestEvent(hook.name, ctx.clock()), {
        path: ctx.env.PATH ?? DEFAULT_HOOK_PATH,
      });
      if (!outcome.ok)
        throw new RazorError(
          'CommandFailed',
          `hook ${hook.name}: the hook-test delivery failed: ${outcome.error ?? 'unknown'}`,
        );
      return `hook ${hook.name}: hook-test event delivered to ${hook.target}`;
    },
  }),
];
