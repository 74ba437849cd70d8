/** The ordered policy table (reference §5.2): one `meta` document holding policy UUIDs in match order. */
import { RazorError } from '../errors.js';
import type { StoreReader, StoreWriter } from '../store/store.js';

const TABLE = 'policy_table';

/** The policy UUIDs in match order, dropping any that no longer exist and adding any missing. */
export async function policyOrder(r: StoreReader): Promise<string[]> {
  const doc = await r.get<{ uuid: string; order: string[] }>('meta', TABLE);
  const existing = (await r.all('policy')).sort((a, b) =>
    String(a.created_at).localeCompare(String(b.created_at)),
  );
  const ids = new Set(existing.map((p) => p.uuid));
  const order = (doc?.order ?? []).filter((u) => ids.has(u));
  for (const p of existing) if (!order.includes(p.uuid)) order.push(p.uuid);
  return order;
}

/** Saves the policy order. */
export async function saveOrder(w: StoreWriter, order: readonly string[]): Promise<void> {
  await w.put('meta', { uuid: TABLE, order: [...order] });
}

/** Moves `uuid` to 0-based `index`; the index must be within the table. */
export function moveTo(order: readonly string[], uuid: string, index: number): string[] {
  if (index < 0 || index >= order.length) {
    throw new RazorError(
      'InputError',
      `line number ${index} is outside the policy table (0 to ${order.length - 1})`,
    );
  }
  const rest = order.filter((u) => u !== uuid);
  rest.splice(index, 0, uuid);
  return rest;
}

/** Moves `uuid` just before or after `anchor`. */
export function moveBeside(
  order: readonly string[],
  uuid: string,
  anchor: string,
  where: 'before' | 'after',
): string[] {
  if (anchor === uuid) throw new RazorError('InputError', 'a policy cannot be moved beside itself');
  const rest = order.filter((u) => u !== uuid);
  const at = rest.indexOf(anchor);
  rest.splice(where === 'before' ? at : at + 1, 0, uuid);
  return rest;
}
