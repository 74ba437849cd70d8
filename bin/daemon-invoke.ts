/**
 * The daemon's invoke (daemon/invoke.ts) for its configuration: in-process or a `razor -w` child
 * per request, whose answers to nodes name the ports really bound — with `--port 0` they are known
 * only once the daemon listens, so the invoke reads them then (`bound`).
 */
import { join } from 'node:path';
import { daemonInvoke } from '../daemon/invoke.js';
import { nodeApiPort } from '../lib/config.js';
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
      const was = config.values;
      const values = { ...was, api_port: apiPort, image_svc_port: imagePort };
      // The Microkernel's server URL, unless configured, follows the node port (lib/config.ts).
      const mkUri = (v: typeof was) => `http://${v.image_svc_host}:${nodeApiPort(v)}`;
      if (was.mk_uri === mkUri(was)) values.mk_uri = mkUri(values);
      config = { ...config, values };
      Object.assign(childEnv, { RAZOR_API_PORT: `${apiPort}`, RAZOR_IMAGE_SVC_PORT: `${imagePort}` });
    },
  };
}
