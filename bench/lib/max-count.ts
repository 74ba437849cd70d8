/**
 * maximum_count under concurrency across daemons, through REST only (issue 13): fresh nodes
 * register, an operator adds a tag on a fact only they have, a model and a policy with
 * maximum_count 50, then every fresh node checks in at once, spread over the daemons; exactly 50
 * may bind, with distinct hostnames and counters 1..50.
 */
import { api, operatorPolicy, type Server } from './servers.js';
import { mkClient, runLoad } from './fleet-load.js';
import type { SimulatedNode } from './fleet-facts.js';

/** What the concurrent binding checkins did. */
export interface MaxCountResult {
  nodes: number;
  maximum_count: number;
  register_errors: number;
  checkin_errors: number;
  first_error?: string;
  bound: number;
  distinct_nodes: number;
  distinct_hostnames: number;
  /** The bind counters are exactly 1..maximum_count. */
  counters_exact: boolean;
  policy_current_count: number;
  exact: boolean;
  seconds: number;
}

/** The fact the fresh nodes carry and the fleet does not, so only they match the tag. */
const BATCH = { key: 'bench_batch', value: 'max_count' };

/**
 * Registers `fresh` (not in the fleet) spread over `daemons`, sets up the policy with `maximum`
 * on `image` over REST (`admin` holds the token), then sends all their checkins at once.
 */
export async function maxCountRun(
  daemons: readonly Server[],
  admin: Server,
  image: string,
  fresh: readonly SimulatedNode[],
  maximum = 50,
): Promise<MaxCountResult> {
  const clients = daemons.map((d) => mkClient(d.url, fresh.length));
  const on = (i: number) => clients[i % clients.length] as ReturnType<typeof mkClient>;
  const node = (i: number) => fresh[i] as SimulatedNode;
  try {
    const regs = await runLoad(16, fresh.length, 300, (i) =>
      on(i).register(node(i).hwId, { ...node(i).facts, [BATCH.key]: BATCH.value }),
    );
    await operatorPolicy(admin, { tag: 'bench_max', matcher: BATCH, label: 'max', image, maximum });
    const started = performance.now();
    const checkins = await Promise.all(fresh.map((n, i) => on(i).checkin(n.hwId)));
    const seconds = (performance.now() - started) / 1000;
    const ams = (await api(admin, 'GET', 'active_model')) as unknown as Array<{
      node_uuid: string;
      hostname: string;
      counter: number;
    }>;
    const policies = (await api(admin, 'GET', 'policy')) as unknown as Array<{
      label: string;
      current_count: number;
    }>;
    const counters = ams.map((a) => a.counter).sort((a, b) => a - b);
    const result = {
      nodes: fresh.length,
      maximum_count: maximum,
      register_errors: regs.filter((r) => !r.ok).length + (fresh.length - regs.length),
      checkin_errors: checkins.filter((c) => !c.ok).length,
      first_error: [...regs, ...checkins].find((c) => !c.ok)?.error,
      bound: ams.length,
      distinct_nodes: new Set(ams.map((a) => a.node_uuid)).size,
      distinct_hostnames: new Set(ams.map((a) => a.hostname)).size,
      counters_exact: counters.length === maximum && counters.every((c, i) => c === i + 1),
      policy_current_count: policies.find((p) => p.label === 'max')?.current_count ?? NaN,
      seconds,
    };
    const exact =
      result.bound === maximum &&
      result.distinct_nodes === maximum &&
      result.distinct_hostnames === maximum &&
      result.counters_exact &&
      result.policy_current_count === maximum &&
      result.checkin_errors === 0;
    return { ...result, exact };
  } finally {
    clients.forEach((c) => c.close());
  }
}
