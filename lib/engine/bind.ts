/**
 * Policy matching and binding (reference §5). Policies are tried in table order; the first enabled
 * one whose tags the node all has, that is under its maximum and whose IP pool is not exhausted
 * binds. Binding runs inside the caller's write transaction, so `maximum_count` and the bind
 * counter are never exceeded or duplicated, however many nodes check in at once.
 */
import { policyOrder } from './policy-order.js';
import { fire } from './fsm.js';
import type { Catalog } from '../domain/catalog.js';
import type { StoreReader, StoreWriter } from '../store/store.js';
import type {
  ActiveModelDoc,
  BrokerDoc,
  ModelDoc,
  NodeDoc,
  PolicyDoc,
  PoolAddress,
} from '../domain/documents.js';

/** Why a policy did or did not bind a node. */
export interface Verdict {
  policy: PolicyDoc;
  binds: boolean;
  why: string;
}

/** The pool address for bind number `counter`, or a reason it has none. */
export function poolAddress(metadata: Record<string, string>, counter: number): PoolAddress | string | null {
  const net = metadata.ip_range_network;
  if (!net) return null;
  const start = Number(metadata.ip_range_start);
  const end = Number(metadata.ip_range_end);
  const last = start + counter - 1;
  if (!(last <= end)) return `IP pool ${net}.${start}-${end} is exhausted (bind #${counter})`;
  return {
    address: `${net}.${last}`,
    netmask: metadata.ip_range_subnet ?? '255.255.255.0',
    gateway: metadata.gateway ?? '',
    nameserver: metadata.nameserver ?? '',
  };
}

/** Verdicts for every policy in table order, up to and including the first that binds. */
export async function evaluatePolicies(r: StoreReader, tags: readonly string[]): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for (const uuid of await policyOrder(r)) {
    const policy = await r.get<PolicyDoc>('policy', uuid);
    if (!policy) continue;
    const verdict = (binds: boolean, why: string) => ({ policy, binds, why });
    const missing = policy.tags.filter((t) => !tags.includes(t));
    const bound = (await r.findBy('active_model', 'policy_uuid', policy.uuid)).length;
    const model = await r.get<ModelDoc>('model', policy.model_uuid);
    const pool = model ? poolAddress(model.metadata, policy.counter + 1) : null;
    if (!policy.enabled) out.push(verdict(false, 'disabled'));
    else if (policy.tags.length === 0) out.push(verdict(false, 'has no tags'));
    else if (missing.length) out.push(verdict(false, `node lacks tag(s) ${missing.join(', ')}`));
    else if (policy.maximum_count > 0 && bound >= policy.maximum_count)
      out.push(verdict(false, `at its maximum: ${bound}/${policy.maximum_count} bound`));
    else if (!model) out.push(verdict(false, `its model ${policy.model_uuid} no longer exists`));
    else if (typeof pool === 'string') out.push(verdict(false, pool));
    else {
      out.push(verdict(true, `matches tags ${policy.tags.join(', ')}`));
      break;
    }
  }
  return out;
}

/** Binds `node` to `policy` inside the write transaction `w`; returns the new active model. */
export async function bind(
  w: StoreWriter,
  deps: { catalog: Catalog; newUuid: () => string },
  node: NodeDoc,
  policy: PolicyDoc,
  at: Date,
): Promise<ActiveModelDoc> {
  const model = (await w.get<ModelDoc>('model', policy.model_uuid)) as ModelDoc;
  const broker = policy.broker_uuid ? ((await w.get<BrokerDoc>('broker', policy.broker_uuid)) ?? null) : null;
  policy.counter += 1;
  policy.updated_at = at.toISOString();
  await w.put('policy', policy);
  const short = `${model.metadata.hostname_prefix ?? 'node'}${policy.counter}`;
  const domain = model.metadata.domainname ?? '';
  const ip = poolAddress(model.metadata, policy.counter);
  const am: ActiveModelDoc = {
    uuid: deps.newUuid(),
    policy_uuid: policy.uuid,
    node_uuid: node.uuid,
    label: policy.label,
    state: 'init',
    counter: policy.counter,
    hostname: domain ? `${short}.${domain}` : short,
    short_hostname: short,
    domainname: domain,
    ip: typeof ip === 'string' ? null : ip,
    bound_at: at.toISOString(),
    updated_at: at.toISOString(),
    model,
    broker,
    log: [],
  };
  const type = deps.catalog.modelTypes.get(model.type);
  if (type) fire(am, type, 'bind', `bound by policy '${policy.label}' as ${am.hostname}`, at);
  await w.put('active_model', am);
  return am;
}
