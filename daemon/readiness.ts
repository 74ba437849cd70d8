/**
 * `GET /readyz`: whether the daemon can do its job now — its ports are bound, the store takes a
 * write transaction (its lock can be had and its data read), and a Microkernel image is there for
 * nodes to discover with. `/healthz` only says the process is up.
 */
import type { Store } from '../lib/store/store.js';
import type { ImageDoc } from '../lib/domain/documents.js';

/** One check's outcome: `ok`, or what is wrong. */
export type Readiness = { ready: boolean; checks: Record<string, string> };

/** What readiness looks at. */
export interface ReadinessDeps {
  store: Store;
  /** True once every port the daemon serves is bound. */
  listening: () => boolean;
}

/** The readiness check. */
export function readiness(deps: ReadinessDeps): () => Promise<Readiness> {
  return async () => {
    const checks: Record<string, string> = {};
    checks.ports = deps.listening() ? 'ok' : 'not all ports are bound yet';
    try {
      const mk = await deps.store.write(async (w) =>
        (await w.all<ImageDoc>('image')).some((i) => i.type === 'mk' && i.status === 'valid'),
      );
      checks.store = 'ok';
      checks.microkernel = mk ? 'ok' : 'no Microkernel image: razor image add -t mk -p <iso>';
    } catch (err) {
      checks.store = `the store cannot be written: ${(err as Error).message}`;
      checks.microkernel = 'unknown (store unavailable)';
    }
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  };
}
