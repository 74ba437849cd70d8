/**
 * The facts a simulated Microkernel registers: about 100 per node, the shapes a real one sends
 * (the original's sent 108) — the fleet generator's hardware facts plus per-device detail.
 */
import { fleetNode } from './fleet.js';

/** One simulated machine: its hw_id as the Microkernel sends it and its facts. */
export interface SimulatedNode {
  hwId: string;
  facts: Record<string, string>;
}

/** Node `i` of the fleet with `count` facts at least. */
export function simulatedNode(i: number, rnd: () => number, count = 100): SimulatedNode {
  const n = fleetNode(i, rnd, new Date().toISOString());
  const facts: Record<string, string> = {};
  for (const [k, v] of Object.entries(n.attributes)) facts[k] = String(v);
  for (let cpu = 0; Object.keys(facts).length < count; cpu++) {
    facts[`processor${cpu}_flags`] = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov';
    facts[`processor${cpu}_mhz`] = String(2000 + Math.floor(rnd() * 1400));
    facts[`dmi_slot${cpu}_designation`] = `PCIe Slot ${cpu}`;
    facts[`mk_hw_lsblk_${cpu}`] = `sd${String.fromCharCode(97 + (cpu % 26))} 447.1G disk`;
  }
  return { hwId: n.hw_id.join('_'), facts };
}
