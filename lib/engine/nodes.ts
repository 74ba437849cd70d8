/** Finding nodes by MAC through the store's hw_id index, and the tags a node has. */
import { nodeTags, type Facts, type TagRule } from '../tags/tag-rules.js';
import type { StoreReader } from '../store/store.js';
import type { NodeDoc, TagRuleDoc } from '../domain/documents.js';

/** Every node owning any of `macs`, oldest first (more than one means a hw_id collision). */
export async function nodesByMacs(r: StoreReader, macs: readonly string[]): Promise<NodeDoc[]> {
  const found = new Map<string, NodeDoc>();
  for (const mac of macs) for (const n of await r.findBy<NodeDoc>('node', 'hw_id', mac)) found.set(n.uuid, n);
  return [...found.values()].sort(
    (a, b) => a.created_at.localeCompare(b.created_at) || a.uuid.localeCompare(b.uuid),
  );
}

/** The node for `macs`: the oldest of those that own any of them. */
export async function nodeByMacs(r: StoreReader, macs: readonly string[]): Promise<NodeDoc | undefined> {
  return (await nodesByMacs(r, macs))[0];
}

/** A node's tags under the stored rules (system rules first). */
export async function tagsOf(r: StoreReader, facts: Facts): Promise<string[]> {
  return nodeTags(await r.all<TagRuleDoc & TagRule>('tag'), facts);
}
