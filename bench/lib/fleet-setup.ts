/**
 * Setting up a fleet through razor's REST API only, as Microkernels and an operator do (issue 13):
 * the Debian image imported with `razor image add`, nodes registered with their facts, and nodes
 * bound — a tag on a fact they share, a debian_bookworm model, a policy — by checking in.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RAZOR } from '../../test/helpers/daemon.js';
import { ROOT, testEnv } from '../../test/helpers/deps.js';
import { api, operatorPolicy, type Server } from './servers.js';
import { mkClient, runLoad, type CallResult } from './fleet-load.js';
import type { SimulatedNode } from './fleet-facts.js';
import type { Target } from './fleet.js';

/** Imports the Debian netboot fixture with the CLI (as an operator would); returns its UUID. */
export function importOsImage(home: string): string {
  const fixture = join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot');
  const r = spawnSync(process.execPath, [RAZOR, 'image', 'add', '-t', 'os', '-p', fixture], {
    env: testEnv(home),
    encoding: 'utf8',
  });
  const uuid = /UUID\s+=>\s+(\w+)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !uuid)
    throw new Error(`razor image add failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return uuid;
}

/** The boot target of a simulated node (its MACs as iPXE sends them). */
export const targetOf = (n: SimulatedNode): Target => ({
  uuid: '',
  macs: n.hwId.split('_').map((m) => m.toLowerCase().replace(/(..)(?!$)/g, '$1:')) as [string, string],
  serial: n.facts.serialnumber as string,
});

/** Registers `fleet` through `POST /razor/api/node/register` with `clients` at once, for up to `seconds`. */
export function registerFleet(
  razor: Server,
  fleet: readonly SimulatedNode[],
  clients = 16,
  seconds = 300,
): Promise<CallResult[]> {
  const mk = mkClient(razor.url, clients);
  return runLoad(clients, fleet.length, seconds, (i) =>
    mk.register((fleet[i] as SimulatedNode).hwId, (fleet[i] as SimulatedNode).facts),
  ).finally(() => mk.close());
}

/**
 * Binds each of `nodes` (registered) to a debian_bookworm model on `image`: a tag on the
 * Microkernel version they all report, a policy for it, then one checkin per node (16 at once).
 */
export async function bindNodes(
  razor: Server,
  image: string,
  nodes: readonly SimulatedNode[],
): Promise<void> {
  await operatorPolicy(razor, {
    tag: 'bench_fleet',
    matcher: { key: 'mk_version', value: '1.0.0' },
    label: 'node',
    image,
  });
  const mk = mkClient(razor.url, 16);
  const checkins = await runLoad(16, nodes.length, 600, (i) => mk.checkin((nodes[i] as SimulatedNode).hwId));
  mk.close();
  const failed = checkins.filter((c) => !c.ok);
  const bound = await api(razor, 'GET', 'active_model');
  if (failed.length || bound.length !== nodes.length)
    throw new Error(
      `binding failed: ${failed.length} checkins failed (${failed[0]?.error}), ${bound.length} of ${nodes.length} bound`,
    );
}
