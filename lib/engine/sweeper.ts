/**
 * The daemon's periodic sweep (every `daemon_min_cycle_time` seconds): an install that has made no
 * callback for `install_timeout` seconds gets the `timeout` event, which its state machine turns
 * into `timeout_error` where it declares one. Silent nodes are never deleted: their status simply
 * reads `inactive`.
 */
import { fire } from './fsm.js';
import type { Deps } from '../verbs/context.js';
import type { ActiveModelDoc } from '../domain/documents.js';

/** Fires `timeout` on every stalled install; returns the UUIDs of the active models it moved. */
export async function sweepTimeouts(deps: Deps): Promise<string[]> {
  const now = deps.clock();
  const limit = deps.config.values.install_timeout * 1000;
  const stalled = (am: ActiveModelDoc) => {
    const type = deps.catalog.modelTypes.get(am.model.type);
    const edges = type?.states[am.state];
    return type && edges?.timeout && now.getTime() - Date.parse(am.updated_at) > limit ? type : undefined;
  };
  const candidates = (await deps.store.read((r) => r.all<ActiveModelDoc>('active_model'))).filter(stalled);
  if (candidates.length === 0) return [];
  return deps.store.write(async (w) => {
    const moved: string[] = [];
    for (const { uuid } of candidates) {
      const am = await w.get<ActiveModelDoc>('active_model', uuid);
      const type = am && stalled(am);
      if (!am || !type) continue; // changed since: a callback arrived in time
      fire(
        am,
        type,
        'timeout',
        `no callback for ${deps.config.values.install_timeout} s in ${am.state}`,
        now,
      );
      await w.put('active_model', am);
      moved.push(uuid);
    }
    return moved;
  });
}
