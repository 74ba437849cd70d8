/**
 * What a boot writes to the store (ADR 0016). Anyone may send a boot naming any MAC, so a boot
 * writes only what matters and only so often:
 * - the install's pin at its first boot (once per install) and a change of what is served (once per
 *   state) are always recorded;
 * - the node's NIC and address, and a boot from an address other than the pinned one (never moving
 *   the pin, logged on the active model), take a token from the node's bucket — a few a minute —
 *   and are not recorded without one. A boot answered without recording still gets its script.
 */
import { takeFrom, type Bucket } from './rate-limit.js';
import { normaliseMac } from '../domain/hwid.js';
import { logEvent } from './fsm.js';
import { newPin } from './pin.js';
import type { VerbContext } from '../verbs/context.js';
import type { ActiveModelDoc, InstallPin, NodeDoc } from '../domain/documents.js';

/** Boot records per node and minute (and the burst): the NIC or address changing, foreign boots. */
export const BOOT_RECORDS_PER_MINUTE = 3;

/** The log action of a boot from an address other than the install's pinned one. */
export const FOREIGN_BOOT = 'boot_elsewhere';

/** What a boot tells about a node: the NIC it got DHCP on and the address it asked from. */
export function bootFacts(node: NodeDoc, dhcp: string | undefined, ip: string | undefined): Partial<NodeDoc> {
  const facts: Partial<NodeDoc> = {};
  if (dhcp && node.dhcp_mac !== dhcp && normaliseMac(dhcp.slice(3))) facts.dhcp_mac = dhcp;
  if (ip && node.boot_ip !== ip) facts.boot_ip = ip;
  return facts;
}

const hasToken = (b: Bucket | undefined, now: number) => takeFrom(b, now, BOOT_RECORDS_PER_MINUTE).verdict.ok;

/** `node` with this boot's facts and a token taken, or undefined when there is nothing to record or no token. */
function withFacts(node: NodeDoc, dhcp: string | undefined, ip: string | undefined, now: number) {
  const facts = bootFacts(node, dhcp, ip);
  if (Object.keys(facts).length === 0) return undefined;
  const { verdict, bucket } = takeFrom(node.boot_records, now, BOOT_RECORDS_PER_MINUTE);
  return verdict.ok ? { ...node, ...facts, boot_records: bucket } : undefined;
}

/** Records the node's NIC and address (bucket permitting) and the answer served, if it changed. */
export async function recordBoot(
  ctx: VerbContext,
  b: { node: NodeDoc; am?: ActiveModelDoc; dhcp?: string; mark?: string; result?: string },
): Promise<void> {
  const now = ctx.clock();
  const factsDue =
    Object.keys(bootFacts(b.node, b.dhcp, ctx.remote)).length > 0 &&
    hasToken(b.node.boot_records, now.getTime());
  const markDue = b.am !== undefined && b.mark !== undefined && b.am.last_boot !== b.mark;
  if (!factsDue && !markDue) return;
  await ctx.store.write(async (w) => {
    const n = await w.get<NodeDoc>('node', b.node.uuid);
    const changed = n && withFacts(n, b.dhcp, ctx.remote, now.getTime());
    if (changed) await w.put('node', changed);
    const am = b.am && (await w.get<ActiveModelDoc>('active_model', b.am.uuid));
    if (!am || b.mark === undefined || am.last_boot === b.mark) return;
    am.last_boot = b.mark;
    logEvent(am, { old_state: am.state, action: 'boot_call', result: b.result ?? b.mark }, now);
    await w.put('active_model', am);
  });
}

/**
 * Pins the install at its first boot over HTTP (once per install, never limited): this boot's
 * address and a new install key, with the node's facts. Returns the pin in force — this boot's or
 * an earlier one — or undefined when the active model is gone.
 */
export async function pinInstall(
  ctx: VerbContext,
  b: { node: NodeDoc; am: ActiveModelDoc; dhcp?: string; remote: string },
): Promise<InstallPin | undefined> {
  if (b.am.pin) return b.am.pin;
  const now = ctx.clock();
  return ctx.store.write(async (w) => {
    const am = await w.get<ActiveModelDoc>('active_model', b.am.uuid);
    if (!am || am.pin) return am?.pin;
    am.pin = newPin(b.remote, ctx.newUuid(), now);
    const result = `install pinned to ${b.remote} (its first boot)`;
    logEvent(am, { old_state: am.state, action: 'pin', result }, now);
    await w.put('active_model', am);
    const n = await w.get<NodeDoc>('node', b.node.uuid);
    if (n) await w.put('node', { ...n, ...bootFacts(n, b.dhcp, b.remote) });
    return am.pin;
  });
}

/**
 * Logs a boot from an address other than the pinned one on the active model (once per address in a
 * row, bucket permitting); nothing about the node is recorded and the pin does not move.
 */
export async function recordForeignBoot(
  ctx: VerbContext,
  b: { node: NodeDoc; am: ActiveModelDoc; served: string },
): Promise<void> {
  const now = ctx.clock();
  const result = `boot from ${ctx.remote} (${b.served}); the install stays pinned to ${b.am.pin?.address}`;
  const logged = (am: ActiveModelDoc) => {
    const last = am.log[am.log.length - 1];
    return last?.action === FOREIGN_BOOT && last.result === result;
  };
  if (logged(b.am) || !hasToken(b.node.boot_records, now.getTime())) return;
  await ctx.store.write(async (w) => {
    const n = await w.get<NodeDoc>('node', b.node.uuid);
    const am = await w.get<ActiveModelDoc>('active_model', b.am.uuid);
    if (!n || !am || logged(am)) return;
    const { verdict, bucket } = takeFrom(n.boot_records, now.getTime(), BOOT_RECORDS_PER_MINUTE);
    if (!verdict.ok) return;
    logEvent(am, { old_state: am.state, action: FOREIGN_BOOT, result }, now);
    await w.put('active_model', am);
    await w.put('node', { ...n, boot_records: bucket });
  });
}
