/** What the generated verbs of one collection share: the options, the presenter, reading one document. */
import { RazorError } from '../../errors.js';
import type { RefCollection } from '../fields.js';
import type { Collection, Doc, StoreReader, StoreWriter } from '../../store/store.js';
import type { VerbContext } from '../context.js';
import type { InUseBy } from '../in-use.js';

/** Turns a stored document into what clients see (redacted, with computed fields). */
export type Presenter = (doc: Doc, ctx: VerbContext, r: StoreReader) => Promise<Record<string, unknown>>;

/** The identity presenter. */
export const asIs: Presenter = async (doc) => doc;

/** Reads a document that must exist, or throws NotFound naming it. */
export async function mustGet<T extends Doc = Doc>(r: StoreReader, c: Collection, uuid: string): Promise<T> {
  const d = await r.get<T>(c, uuid);
  if (!d) throw new RazorError('NotFound', `Not found: no ${c} ${uuid}`);
  return d;
}

/** Options for the generated verbs of one collection. */
export interface CrudOptions {
  slice: string;
  collection: RefCollection;
  /** The noun in messages and help: "policy", "tag rule". */
  noun: string;
  present?: Presenter;
  /** Sort order of lists (of presented objects); default by creation time then uuid. */
  sort?: (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) => number;
  /**
   * Objects that refer to this one: removal asks at a terminal and is refused (CouldNotRemove,
   * naming them) elsewhere while any exist, unless forced.
   */
  usedBy?: readonly InUseBy[];
  /**
   * The original's envelope `command` of each generated verb (`nodes_query_all`,
   * `get_node_by_uuid`, `remove_all_models`); without one, `<verb>_<slice>`.
   */
  commands?: Readonly<Partial<Record<'list' | 'get' | 'remove' | 'remove-all', string>>>;
  /** Extra changes in the same transaction as a removal (e.g. the policy table). */
  onRemove?: (doc: Doc, w: StoreWriter) => Promise<void>;
  /** Work outside the store once a removal has committed (e.g. deleting an image's files). */
  afterRemove?: (doc: Doc, ctx: VerbContext) => Promise<void>;
}

/** Common stamps on a new document. */
export function created(ctx: VerbContext): { uuid: string; created_at: string; updated_at: string } {
  const now = ctx.clock().toISOString();
  return { uuid: ctx.newUuid(), created_at: now, updated_at: now };
}
