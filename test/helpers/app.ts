/** The daemon's Express app for tests: the daemon's own wiring (daemon/invoke.ts), without listening. */
import pino, { type Logger } from 'pino';
import { allSlices } from '../../slices/index.js';
import { inProcessInvoke, routedApp } from '../../daemon/invoke.js';
import type { Invoke } from '../../daemon/app.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { Router } from '../../lib/verbs/route-call.js';

export { inProcessInvoke };

/** What a test may set on its app: the request time limit (30 s), the logger (silent), the router. */
export interface TestAppOptions {
  requestTimeoutMs?: number;
  log?: Logger;
  router?: Router;
}

/** An app over `invoke` (in-process over deps by default): the daemon's wiring without listening. */
export function testApp(deps: Deps, invoke: Invoke = inProcessInvoke(deps), opts: TestAppOptions = {}) {
  return routedApp(
    allSlices(deps.catalog),
    {
      invoke,
      log: opts.log ?? pino({ level: 'silent' }),
      bodyLimitBytes: 1 << 20,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      health: () => ({}),
    },
    opts.router,
  );
}
