/**
 * The Store interface every backend implements (the embedded JSON file now, PostgreSQL later).
 * All access goes through a transaction: `read` sees one consistent snapshot, `write` is an atomic
 * read-modify-write — either every `put`/`remove` in it lands or none does.
 */
/** The collections whose objects have UUIDs that verbs name (the store owns this list). */
export type RefCollection =
  'node' | 'policy' | 'model' | 'broker' | 'tag' | 'active_model' | 'image' | 'bmc' | 'token' | 'hook';

/**
 * Collections of the store: the slices' own plus `meta` (the policy table and counters) and
 * `dhcp_lease` (full DHCP mode's leases, ADR 0026).
 */
export type Collection = RefCollection | 'meta' | 'dhcp_lease';

/** Every collection, in a fixed order. */
export const COLLECTIONS: readonly Collection[] = [
  'node',
  'policy',
  'model',
  'broker',
  'tag',
  'active_model',
  'image',
  'bmc',
  'token',
  'hook',
  'meta',
  'dhcp_lease',
];

/** A stored object. Every document has a uuid; the rest is the slice's business. */
export interface Doc {
  uuid: string;
  [key: string]: unknown;
}

/**
 * Read access inside a transaction. In a `read` transaction documents are the stored ones, deeply
 * frozen (changing one throws); in a `write` transaction they are copies to change and `put`.
 */
export interface StoreReader {
  get<T extends Doc = Doc>(collection: Collection, uuid: string): Promise<T | undefined>;
  all<T extends Doc = Doc>(collection: Collection): Promise<T[]>;
  /** UUIDs in the collection that contain `fragment` (the original's unique-substring lookup). */
  matchUuid(collection: Collection, fragment: string): Promise<string[]>;
  count(collection: Collection): Promise<number>;
  /**
   * Documents whose `field` equals `value` — or, for an array field, contains it — found through an
   * index, not a scan (a node by any of its MACs, the active model of a node).
   */
  findBy<T extends Doc = Doc>(collection: Collection, field: string, value: string): Promise<T[]>;
  /**
   * A map named `name` for answers derived only from the store's data (a boot script). An entry
   * is never seen again once anything this transaction read has changed; a change to the per-machine
   * collections (`node`, `active_model`) drops only the entries that read the changed documents,
   * any other change drops them all (ADR 0027). Write transactions get a fresh private map every time.
   */
  memo<V>(name: string): Map<string, V>;
}

/** Write access inside a transaction; changes are visible to later reads of the same transaction. */
export interface StoreWriter extends StoreReader {
  put(collection: Collection, doc: Doc): Promise<void>;
  /**
   * Sets top-level `fields` of a stored document, leaving the rest as it is (cheap for a large
   * document: no copy of what did not change); false when there is no such document.
   */
  patch(collection: Collection, uuid: string, fields: Record<string, unknown>): Promise<boolean>;
  /** `patch` of many documents (uuid → fields) at once; how many were there to patch. */
  patchMany(collection: Collection, patches: ReadonlyMap<string, Record<string, unknown>>): Promise<number>;
  remove(collection: Collection, uuid: string): Promise<boolean>;
}

/** A razor store. */
export interface Store {
  /** Where the data lives, for messages (`/root/.razor/razor.json`). */
  readonly location: string;
  read<T>(fn: (r: StoreReader) => Promise<T>): Promise<T>;
  write<T>(fn: (w: StoreWriter) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
