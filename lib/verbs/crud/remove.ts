/** The generated removal verbs of a collection: `razor <slice> remove <uuid>` and `remove all`. */
import { field } from '../fields.js';
import { refuseIfUsed } from '../in-use.js';
import { defineVerb, type VerbSpec } from '../spec.js';
import { uuidField } from './read.js';
import { mustGet, type CrudOptions } from './options.js';

/** `--force`: remove what is still in use (its users keep a reference to nothing). */
const forceField = (o: CrudOptions) =>
  field.bool({ help: `Remove even a ${o.noun} that is still in use`, short: 'f', flag: true });

/** `--yes`: do not ask (required without a terminal where razor would ask). */
const yesField = field.bool({ help: 'Do not ask for confirmation', short: 'y', flag: true });

/** `razor <slice> remove <uuid>`. */
export function removeVerb(o: CrudOptions): VerbSpec {
  return defineVerb({
    name: 'remove',
    summary: `Remove one ${o.noun}`,
    fields: {
      uuid: uuidField(o, `UUID of the ${o.noun} to remove`),
      ...(o.usedBy ? { force: forceField(o), yes: yesField } : {}),
    },
    positional: ['uuid'],
    ...(o.commands?.remove ? { command: o.commands.remove } : {}),
    success: 'removed',
    http: 'DELETE',
    path: ':uuid',
    view: 'text',
    sample: { uuid: `{${o.collection}}`, ...(o.usedBy ? { force: true, yes: true } : {}) },
    ...(o.usedBy ? { confirm: { ask: 'when-used', noun: o.noun }, inUseBy: o.usedBy } : {}),
    handler: async (input, ctx) => {
      const doc = await ctx.store.write(async (w) => {
        const found = await mustGet(w, o.collection, input.uuid);
        if (input.force !== true) await refuseIfUsed(o.noun, [found], o.usedBy, w);
        await w.remove(o.collection, found.uuid);
        await o.onRemove?.(found, w);
        return found;
      });
      await o.afterRemove?.(doc, ctx);
      return `${o.noun} ${doc.uuid} removed`;
    },
  });
}

/** `razor <slice> remove all`: CLI only, as in the original (405 over REST); asks first. */
export function removeAllVerb(o: CrudOptions): VerbSpec {
  return defineVerb({
    name: 'remove-all',
    forms: ['remove all'],
    ...(o.commands?.['remove-all'] ? { command: o.commands['remove-all'] } : {}),
    summary: `Remove every ${o.noun}`,
    fields: { yes: yesField, ...(o.usedBy ? { force: forceField(o) } : {}) },
    success: 'removed',
    http: null,
    view: 'text',
    sample: { yes: true, ...(o.usedBy ? { force: true } : {}) },
    confirm: { ask: 'always', noun: o.noun },
    ...(o.usedBy ? { inUseBy: o.usedBy } : {}),
    handler: async (input, ctx) => {
      const docs = await ctx.store.write(async (w) => {
        const all = await w.all(o.collection);
        if (input.force !== true) await refuseIfUsed(o.noun, all, o.usedBy, w);
        for (const d of all) {
          await w.remove(o.collection, d.uuid);
          await o.onRemove?.(d, w);
        }
        return all;
      });
      for (const d of docs) await o.afterRemove?.(d, ctx);
      return `${docs.length} ${o.noun} objects removed`;
    },
  });
}
