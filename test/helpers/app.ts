/** The daemon's Express app for tests: the daemon's own wiring (daemon/invoke.ts), without listening. */
import pino from 'pino';
import { allSlices } from '../../slices/index.js';
import { inProcessInvoke, routedApp } from '../../daemon/invoke.js';
import type { Invoke } from '../../daemon/app.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { Router } from '../../lib/verbs/route-call.js';

export { inProcessInvoke };

/** An app over `invoke` (in-process over deps by default), silent logs; `router` routes its paths. */
export function testApp(deps: Deps, invoke: Invoke = inProcessInvoke(deps), router?: Router) {
  return routedApp(
    allSlices(),
    {
      invoke,
      log: pino({ level: 'silent' }),
      bodyLimitBytes: 1 << 20,
      requestTimeoutMs: 30_000,
      health: () => ({}),
    },
    router,
  );
}
