/** The generated removal verbs of a collection: `razor <slice> remove <uuid>` and `remove all`. */
import { RazorError } from '../../errors.js';
import { defineVerb, type VerbSpec } from '../spec.js';
import { uuidField } from './read.js';
import { mustGet, type CrudOptions } from './options.js';
import type { Doc, StoreReader } from '../../store/store.js';

/** Refuses to remove `doc` while objects named in `usedBy` still refer to it. */
async function refuseIfUsed(o: CrudOptions, doc: Doc, r: StoreReader): Promise<void> {
  for (const { collection, field } of o.usedBy ?? []) {
    const users = (await r.all(collection)).filter((x) => x[field] === doc.uuid);
    if (users.length) {
      throw new RazorError(
        'CouldNotRemove',
        `${o.noun} ${doc.uuid} is used by ${collection} ${users.map((u) => u.uuid).join(', ')}; remove or change those first`,
      );
    }
  }
}

/** `razor <slice> remove <uuid>`. */
export function removeVerb(o: CrudOptions): VerbSpec {
  return defineVerb({
    name: 'remove',
    summary: `Remove one ${o.noun}`,
    fields: { uuid: uuidField(o, `UUID of the ${o.noun} to remove`) },
    positional: ['uuid'],
    success: 'removed',
    http: 'DELETE',
    path: ':uuid',
    view: 'text',
    sample: { uuid: `{${o.collection}}` },
    handler: async (input, ctx) => {
      const doc = await ctx.store.write(async (w) => {
        const found = await mustGet(w, o.collection, input.uuid);
        await refuseIfUsed(o, found, w);
        await w.remove(o.collection, found.uuid);
        await o.onRemove?.(found, w);
        return found;
      });
      await o.afterRemove?.(doc, ctx);
      return `${o.noun} ${doc.uuid} removed`;
    },
  });
}

/** `razor <slice> remove all`: CLI only, as in the original (405 over REST). */
export function removeAllVerb(o: CrudOptions): VerbSpec {
  return defineVerb({
    name: 'remove-all',
    forms: ['remove all'],
    summary: `Remove every ${o.noun}`,
    fields: {},
    success: 'removed',
    http: null,
    view: 'text',
    sample: {},
    handler: async (_input, ctx) => {
      const docs = await ctx.store.write(async (w) => {
        const all = await w.all(o.collection);
        for (const d of all) await refuseIfUsed(o, d, w);
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
