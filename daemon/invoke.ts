/**
 * How the daemon runs a routed REST call — in-process over the deps, or a `razor -w` child per
 * request (`invoke: spawn`) — with the per-node checkin limit around either, and the app wired to
 * route REST paths once. bin/daemon.ts and the tests build their apps here, so they run the same
 * wiring.
 */
import type { RequestListener } from 'node:http';
import { dispatchRouted } from '../lib/verbs/dispatch.js';
import { restRoute, type Router } from '../lib/verbs/route-call.js';
import { translateToHttp } from '../lib/verbs/translate-http.js';
import { tokenBuckets } from '../lib/engine/rate-limit.js';
import { createApp, type AppDeps, type Invoke } from './app.js';
import { spawnInvoke } from './spawn.js';
import { limitCheckins } from './limits/checkin-limit.js';
import type { Deps } from '../lib/verbs/context.js';
import type { SliceRegistry } from '../lib/verbs/spec.js';
import { openApiDocument } from '../lib/verbs/openapi.js';

/** The in-process invoke: the dispatcher over `deps`, its outcome translated for HTTP. */
export function inProcessInvoke(deps: Deps, report?: (err: unknown) => void): Invoke {
  return async (call) =>
    translateToHttp(
      await dispatchRouted(deps, call, call.input, {
        mode: 'web',
        method: call.method,
        remote: call.remote,
        report,
      }),
      deps,
    );
}

/** What the daemon's invoke is made of. */
export interface DaemonInvokeOptions {
  deps: Deps;
  /** `spawn`: a child process per request; anything else in-process. */
  mode: string;
  /** The razor executable and the environment a child runs with (spawn mode). */
  razorBin: string;
  childEnv: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Checkins and registrations a node may make a minute (0: no limit). */
  checkinRatePerMinute: number;
  report?: (err: unknown) => void;
}

/** The daemon's invoke for its configuration. */
export function daemonInvoke(o: DaemonInvokeOptions): Invoke {
  const invoke =
    o.mode === 'spawn'
      ? spawnInvoke({ razorBin: o.razorBin, env: o.childEnv, timeoutMs: o.timeoutMs })
      : inProcessInvoke(o.deps, o.report);
  const perMinute = o.checkinRatePerMinute;
  if (perMinute <= 0) return invoke;
  return limitCheckins(invoke, { perMinute, buckets: tokenBuckets({ perMinute, clock: o.deps.clock }) });
}

/** An app over `registry` whose REST paths are routed once, with `router` (a test counts it). */
export function routedApp(
  registry: SliceRegistry,
  deps: Omit<AppDeps, 'routeFor'>,
  router?: Router,
): RequestListener {
  let document: unknown;
  const apiDocument = () => (document ??= openApiDocument(registry, String(deps.health().version ?? '')));
  return createApp({
    apiDocument,
    ...deps,
    routeFor: (method, parts) => restRoute(registry, method, parts, router),
  });
}
