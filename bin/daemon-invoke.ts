/**
 * The daemon's invoke (daemon/invoke.ts) for its configuration: in-process or a `razor -w` child
 * per request, whose answers to nodes name the ports really bound — with `--port 0` they are known
 * only once the daemon listens, so the invoke reads them then (`bound`).
 */
import { join } from 'node:path';
import { daemonInvoke } from '../daemon/invoke.js';
import type { Invoke } from '../daemon/app.js';
import type { Deps } from '../lib/verbs/context.js';

/** The invoke, and `bound` to call with the ports once they are listening. */
export function nodeInvoke(o: {
  root: string;
  deps: Deps;
  env: NodeJS.ProcessEnv;
  flags: Record<string, unknown>;
  report: (err: unknown) => void;
}): { invoke: Invoke; bound(apiPort: number, imagePort: number): void } {
  const v = o.deps.config.values;
  const childEnv = { ...o.env };
  for (const [k, val] of Object.entries(o.flags))
    if (val !== undefined) childEnv[`RAZOR_${k.toUpperCase()}`] = String(val);
  let config = o.deps.config;
  const live: Deps = {
    ...o.deps,
    get config() {
      return config;
    },
  };
  const invoke = daemonInvoke({
    deps: live,
    mode: v.invoke,
    razorBin: join(o.root, 'bin', 'razor'),
    childEnv,
    timeoutMs: v.request_timeout_ms,
    checkinRatePerMinute: v.checkin_rate_per_minute,
    report: o.report,
  });
  return {
    invoke,
    bound(apiPort, imagePort) {
      config = { ...config, values: { ...config.values, api_port: apiPort, image_svc_port: imagePort } };
      Object.assign(childEnv, { RAZOR_API_PORT: `${apiPort}`, RAZOR_IMAGE_SVC_PORT: `${imagePort}` });
    },
  };
}
