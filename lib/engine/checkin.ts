/**
 * Microkernel checkin and registration (reference §3.3–3.4). A checkin answers `register`,
 * `acknowledge`, `reboot` or `poweroff`; an unbound node that checks in is evaluated against the
 * policies and may be bound, in the same transaction that records the checkin.
 */
import { RazorError } from '../errors.js';
import { parseHwId } from '../domain/hwid.js';
import { bind, evaluatePolicies } from './bind.js';
import { mkAnswer } from './fsm.js';
import { nodesByMacs, tagsOf } from './nodes.js';
import type { VerbContext } from '../verbs/context.js';
import type { ActiveModelDoc, NodeDoc } from '../domain/documents.js';
import type { StoreReader } from '../store/store.js';

/** The commands a Microkernel understands. */
export type MkCommand = 'acknowledge' | 'register' | 'reboot' | 'poweroff';

function macsOf(hwId: string): string[] {
  const { macs, bad } = parseHwId(hwId);
  if (bad.length)
    throw new RazorError('InputError', `hw_id has parts that are not MAC addresses: ${bad.join(', ')}`);
  if (macs.length === 0) throw new RazorError('MissingArgument', 'hw_id names no MAC address');
  return macs;
}

/** What a steady checkin needs of its node (a memo entry holds this, not the node's facts). */
type SteadyNode = Pick<NodeDoc, 'uuid' | 'last_state' | 'checked_in_at'>;

/** When the node last checked in: the stored time, or the later one held in memory (last-seen.ts). */
const lastCheckin = (ctx: VerbContext, node: SteadyNode) =>
  Math.max(Date.parse(node.checked_in_at), ctx.lastSeen?.get(node.uuid) ?? -Infinity);

/** What a steady-state checkin depends on in the store: the node and its answer (none: it binds). */
interface Steady {
  node: SteadyNode;
  answer?: MkCommand;
}

/** The node owning `macs` and the answer it gets unless something must be written. */
async function steadyOf(r: StoreReader, ctx: VerbContext, macs: string[]): Promise<Steady | null> {
  const found = (await nodesByMacs(r, macs))[0];
  if (!found) return null;
  // Only what a steady checkin reads: on PostgreSQL a whole node (its facts) per memo entry held a
  // parsed copy of every node's document in the daemon's heap.
  const node = { uuid: found.uuid, last_state: found.last_state, checked_in_at: found.checked_in_at };
  const am = (await r.findBy<ActiveModelDoc>('active_model', 'node_uuid', node.uuid))[0];
  if (am) {
    const type = ctx.catalog.modelTypes.get(am.model.type);
    return { node, answer: type ? mkAnswer(type, am.state) : 'acknowledge' };
  }
  const verdicts = await evaluatePolicies(r, await tagsOf(r, found.attributes));
  return verdicts.some((v) => v.binds) ? { node } : { node, answer: 'acknowledge' };
}

/**
 * The answer to a steady-state checkin — a known node, same state, not timed out, nothing to bind —
 * read without a write; undefined when the checkin must be written (ADR 0027). What it read is
 * memoised per MAC list: the store drops the entry when any of it changes, so a fleet's repeated
 * checkins cost a lookup (on PostgreSQL, two round trips instead of one per document read).
 */
async function steadyAnswer(ctx: VerbContext, macs: string[], lastState: string, now: Date) {
  return ctx.store.read(async (r) => {
    const memo = r.memo<Steady | null>('steady-checkin');
    const key = [...macs].sort().join('_');
    let steady = memo.get(key);
    if (steady === undefined) memo.set(key, (steady = await steadyOf(r, ctx, macs)));
    if (!steady?.answer || steady.node.last_state !== lastState) return undefined;
    if ((now.getTime() - lastCheckin(ctx, steady.node)) / 1000 > ctx.config.values.register_timeout)
      return undefined;
    return { node: steady.node, answer: steady.answer };
  });
}

/** Handles one checkin; returns the command for the Microkernel. */
export async function checkin(
  ctx: VerbContext,
  req: { hwId: string; lastState: string; firstCheckin: boolean },
): Promise<MkCommand> {
  const macs = macsOf(req.hwId);
  if (req.firstCheckin) return 'register';
  const seen = ctx.lastSeen;
  if (seen) {
    const now = ctx.clock();
    const steady = await steadyAnswer(ctx, macs, req.lastState, now);
    if (steady) {
      seen.note(steady.node.uuid, now.getTime());
      return steady.answer;
    }
  }
  return ctx.store.write(async (w) => {
    const node = (await nodesByMacs(w, macs))[0];
    if (!node) return 'register';
    const now = ctx.clock();
    const previous = lastCheckin(ctx, node);
    node.last_state = req.lastState;
    node.checked_in_at = now.toISOString();
    await w.put('node', node);
    seen?.note(node.uuid, now.getTime());
    if ((now.getTime() - previous) / 1000 > ctx.config.values.register_timeout) return 'register';
    const am = (await w.findBy<ActiveModelDoc>('active_model', 'node_uuid', node.uuid))[0];
    if (am) {
      const type = ctx.catalog.modelTypes.get(am.model.type);
      return type ? mkAnswer(type, am.state) : 'acknowledge';
    }
    const verdicts = await evaluatePolicies(w, await tagsOf(w, node.attributes));
    const winner = verdicts.find((v) => v.binds);
    if (winner) await bind(w, ctx, node, winner.policy, now);
    return 'acknowledge';
  });
}

/** Registers a node's facts: a new node, or the known one (hw_id united, facts replaced). */
export async function register(
  ctx: VerbContext,
  req: { hwId: string; attributes: Record<string, unknown>; lastState: string },
): Promise<NodeDoc> {
  const macs = macsOf(req.hwId);
  if (Object.keys(req.attributes).length === 0) {
    throw new RazorError(
      'MissingArgument',
      'attributes_hash is empty; a registration carries the node facts',
    );
  }
  return ctx.store.write(async (w) => {
    const now = ctx.clock().toISOString();
    const [keep, ...others] = await nodesByMacs(w, macs);
    // hw_id collision: each shared MAC stays with the oldest node (the original's rule).
    for (const other of others) {
      await w.put('node', { ...other, hw_id: other.hw_id.filter((m) => !macs.includes(m)) });
    }
    const node: NodeDoc = keep
      ? { ...keep, hw_id: [...new Set([...keep.hw_id, ...macs])] }
      : {
          uuid: ctx.newUuid(),
          created_at: now,
          hw_id: macs,
          dhcp_mac: null,
          attributes: {},
          last_state: '',
          checked_in_at: now,
        };
    node.attributes = req.attributes;
    node.last_state = req.lastState;
    node.checked_in_at = now;
    await w.put('node', node);
    return node;
  });
}
