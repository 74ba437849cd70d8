/**
 * The generated update verb: read the object, let the slice apply the input (checks included), stamp
 * `updated_at`, write it back and present it, all in one write transaction.
 */
import { uuidField } from './read.js';
import { asIs, mustGet, type CrudOptions } from './options.js';
import type { Fields, InputOf } from '../fields.js';
import type { VerbDecl, VerbSpec } from '../spec.js';
import type { VerbContext } from '../context.js';
import type { Doc, StoreWriter } from '../../store/store.js';

/** A document that records when it last changed. */
interface Stamped extends Doc {
  updated_at: string;
}

/**
 * An update verb as a slice writes it: the verb's declaration (its own `http:`, summary, sample, …)
 * without what every update shares, plus `apply`, which changes the document as the input asks.
 */
export type UpdateDecl<F extends Fields, D extends Stamped> = Omit<
  VerbDecl<F>,
  'name' | 'positional' | 'success' | 'view' | 'filter' | 'handler'
> & {
  /** The verb's name; `update` unless given (`enable`, `disable`). */
  readonly name?: string;
  /** Changes `doc` as `input` asks; throws (and so changes nothing) when it cannot. */
  readonly apply: (doc: D, input: InputOf<F>, ctx: VerbContext, w: StoreWriter) => Promise<void> | void;
};

/**
 * `razor <slice> update <uuid> …`: the object named by a leading `uuid` field (added here), changed
 * by `apply`, answered as the slice presents it.
 */
export function updateVerb<F extends Fields, D extends Stamped>(
  o: CrudOptions,
  decl: UpdateDecl<F, D>,
): VerbSpec {
  const { apply, fields, name, ...rest } = decl;
  const present = o.present ?? asIs;
  return {
    name: name ?? 'update',
    ...rest,
    fields: { uuid: uuidField(o, `UUID of the ${o.noun}`), ...fields },
    positional: ['uuid'],
    success: 'updated',
    view: 'item',
    handler: async (input, ctx) =>
      ctx.store.write(async (w) => {
        const doc = await mustGet<D>(w, o.collection, String(input.uuid));
        // The dispatcher validated `input` against these fields before calling.
        await apply(doc, input as InputOf<F>, ctx, w);
        doc.updated_at = ctx.clock().toISOString();
        await w.put(o.collection, doc);
        return [await present(doc, ctx, w)];
      }),
  };
}
