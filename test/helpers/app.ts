/** The daemon's Express app for tests, wired like bin/daemon.ts but without listening. */
import pino, { type Logger } from 'pino';
import { allSlices } from '../../slices/index.js';
import { dispatchRouted, toWire } from '../../lib/verbs/dispatch.js';
import { restRoute } from '../../lib/verbs/rest.js';
import { createApp, type Invoke } from '../../daemon/app.js';
import type { Deps } from '../../lib/verbs/context.js';

/** The in-process invocation of the dispatcher over `deps`. */
export function inProcessInvoke(deps: Deps): Invoke {
  return async (call) =>
    toWire(
      await dispatchRouted(deps, call, call.input, { mode: 'web', method: call.method, remote: call.remote }),
    );
}

/** What a test may set on its app: the request time limit (30 s) and the logger (silent). */
export interface TestAppOptions {
  requestTimeoutMs?: number;
  log?: Logger;
}

/** An app over `invoke` (in-process over deps by default), silent logs. */
export function testApp(deps: Deps, invoke: Invoke = inProcessInvoke(deps), opts: TestAppOptions = {}) {
  const registry = allSlices(deps.catalog);
  return createApp({
    invoke,
    routeFor: (method, parts) => restRoute(registry, method, parts),
    log: opts.log ?? pino({ level: 'silent' }),
    bodyLimitBytes: 1 << 20,
    requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    health: () => ({}),
  });
}
