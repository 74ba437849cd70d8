/**
 * `razor daemon`: the server's composition root. Loads config and the store, builds the Express app
 * with in-process or spawn-per-request invocation (daemon/invoke.ts), listens, prints where and what
 * to do next, and stops gracefully on SIGTERM/SIGINT.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileLogger } from '../daemon/logs/log-file.js';
import { catalogSecretKeys } from '../daemon/logs/log-redact.js';
import { allSlices } from '../slices/index.js';
import { asRazorError } from '../lib/errors.js';
import { translateToCli } from '../lib/cli/translate-cli.js';
import { type AppDeps } from '../daemon/app.js';
import { routedApp } from '../daemon/invoke.js';
import { nodeInvoke } from './daemon-invoke.js';
import { listen } from '../daemon/server.js';
import { connectionLimits, processFileLimit } from '../daemon/limits/connection-limit.js';
import { createImageApp, imageBuffers, imageService } from '../daemon/images/image-service.js';
import { ImageFileCache } from '../daemon/images/image-files.js';
import { HeapGrowth } from '../daemon/limits/heap.js';
import { authorizer, LOCAL_EXCEPTION, type LocalTrust } from '../daemon/rest/authorize.js';
import { listenLocal } from '../daemon/local-socket.js';
import { localBanner } from '../daemon/local-banner.js';
import { loadTls } from '../daemon/tls.js';
import { nodeFacingOnly } from '../daemon/rest/node-only.js';
import { buildDeps } from './deps.js';
import { lastSeen } from '../lib/engine/last-seen.js';
import { claimForDaemon, daemonRecord, publish } from './daemon-runtime.js';
import { razorVersion } from './paths.js';
import { bannerLines, firstToken, parseFlags } from './daemon-start.js';
import { serveUntilSignal } from './daemon-serve.js';
import { nodeApiPort } from '../lib/config.js';
import { startPxeServices, type PxeServices } from '../daemon/pxe/start.js';
import { chainScript } from '../daemon/pxe/chain-script.js';
import { systemdUnit } from '../daemon/systemd-unit.js';
import { razorMetrics } from '../daemon/metrics.js';
import { readiness } from '../daemon/readiness.js';
import { startDaemonEvents } from './daemon-events.js';
import { startDaemonHooks } from './daemon-hooks.js';

/** Runs the daemon until SIGTERM/SIGINT; returns the exit status. */
export async function runDaemon(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const printUnit = (daemonArgs: string[]) =>
    process.stdout.write(
      systemdUnit({ node: process.execPath, razorBin: realpathSync(join(root, 'bin', 'razor')), daemonArgs }),
    );
  const flags = parseFlags(args, { printUnit });
  if (typeof flags === 'number') return flags;
  let deps;
  let tls;
  let lock;
  try {
    const built = await buildDeps(root, env, flags, { longLived: true });
    // Steady-state checkins are kept in memory and written every few seconds (ADR 0027).
    deps = { ...built, lastSeen: lastSeen(built.store) };
    tls = loadTls(deps.config.values, deps.config.home);
    await deps.store.read(async () => undefined);
    lock = claimForDaemon(deps.store.location, deps.config.home); // one daemon per store (ADR 0025)
  } catch (err) {
    const failure = translateToCli(asRazorError(err), { command: 'daemon', starting: true });
    process.stderr.write(`${failure.message}\n`);
    return failure.exit;
  }
  const v = deps.config.values;
  const logDir = join(deps.config.home, 'log');
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const logFile = join(logDir, 'razor.log');
  // A full disk must not stop the daemon: output that cannot be written is lost, not thrown (ADR 0017).
  for (const out of [process.stdout, process.stderr]) out.on('error', () => undefined);
  const log = fileLogger(logFile, v.log_level, {
    secretKeys: catalogSecretKeys(deps.catalog),
    notice: (message) => process.stderr.write(`${message}\n`),
  });
  const registry = allSlices(deps.catalog);
  // One set of open image files and of buffers for both ports.
  const imageFiles = new ImageFileCache(v.image_svc_path);
  const buffers = imageBuffers();
  const heap = new HeapGrowth(v.heap_growth_percent);
  heap.watch(); // for the daemon's life
  const types = new Set(deps.catalog.imageTypes.keys());
  const metrics = razorMetrics();
  const events = await startDaemonEvents(deps, (err) => log.warn({ err }, 'event journal not read'));
  events.feed.subscribe(metrics.event);
  const sent = (n: number) => metrics.imageBytes(n);
  const images = { root: v.image_svc_path, types, log, files: imageFiles, buffers, heap, sent };
  let bound = false;
  const { invoke, bound: portsBound } = nodeInvoke({
    ...{ root, deps, env, flags },
    report: (err) => log.error({ err }, 'internal error'),
  });
  const appWith = (authorize: AppDeps['authorize']) =>
    routedApp(registry, {
      invoke,
      log,
      bodyLimitBytes: v.body_limit_bytes,
      requestTimeoutMs: v.request_timeout_ms,
      // Open to all: nothing about the host (store path, invoke mode) beyond the version.
      health: () => ({ version: razorVersion(root) }),
      images: imageService(images),
      authorize,
      observe: metrics.observe,
      metrics: { render: metrics.render, needsToken: v.metrics_auth === 'token' },
      ready: readiness({ store: deps.store, listening: () => bound }),
      events: events.streams,
    });
  const trust = v.auth_allow_localhost as LocalTrust;
  const auth = { store: deps.store, allowLocalhost: trust };
  const app = appWith(authorizer({ ...auth, channel: 'tcp' }));
  const tokenFile = await firstToken(deps, join(deps.config.home, 'admin.token'));
  let local;
  const perPort = v.max_connections_per_port;
  const connections = connectionLimits(
    { perPort, perAddress: v.max_connections_per_address },
    processFileLimit(),
  );
  const timeouts = { requestTimeoutMs: v.request_timeout_ms, headersTimeoutMs: v.headers_timeout_ms };
  let running;
  let imagesRunning;
  let pxe: PxeServices | undefined;
  let nodeDeps = deps;
  try {
    // The owner's Unix socket (ADR 0014): first, so a second daemon on this home stops here.
    local = await listenLocal(appWith(authorizer({ ...auth, channel: 'socket' })), {
      path: join(deps.config.home, 'razor.sock'),
      ...timeouts,
      log,
    });
    running = await listen(app, {
      host: v.listen_address,
      port: v.api_port,
      ...timeouts,
      log,
      tls,
      connections,
    });
    // With TLS the image port is the node port: images plus the node-facing verbs over plain HTTP,
    // for firmware without HTTPS (ADR 0010); admin routes are not there.
    const adminUrl = `https://${v.image_svc_host}:${running.port}/razor/api`;
    const imageApp = tls ? appWith(nodeFacingOnly({ adminUrl })) : createImageApp(images);
    // Large downloads may take long: no request timeout on the image port (headers still time out).
    imagesRunning = await listen(imageApp, {
      host: v.listen_address,
      port: v.image_svc_port,
      requestTimeoutMs: 0,
      headersTimeoutMs: v.headers_timeout_ms,
      log,
      connections,
    });
    // Nodes are told the ports really bound (they differ from the configuration's when it says 0).
    const actual = { ...v, api_port: running.port, image_svc_port: imagesRunning.port };
    nodeDeps = { ...deps, config: { ...deps.config, values: actual } };
    portsBound(running.port, imagesRunning.port);
    pxe = await startPxeServices({
      values: actual,
      log,
      chainScript: chainScript(nodeDeps, registry),
      ...{ store: deps.store, clock: deps.clock, newUuid: deps.newUuid },
    });
    bound = true;
  } catch (err) {
    await Promise.all([running?.stop(0), imagesRunning?.stop(0), local?.stop(0)]);
    process.stderr.write(`razor daemon: ${(err as Error).message}\n`);
    return 1;
  }
  const shown = v.listen_address === '0.0.0.0' ? 'localhost' : v.listen_address;
  const apiUrl = `${running.scheme}://${shown}:${running.port}`;
  const tokenPath = join(deps.config.home, 'admin.token');
  const banner = localBanner({ ...local, trust, apiUrl, certPath: tls?.certPath, tokenFile: tokenPath });
  const firstTokenLine = tokenFile ? `\n           first token written to ${tokenFile} (mode 0600)` : '';
  const lines = bannerLines({
    version: razorVersion(root),
    apiUrl,
    certPath: tls?.certPath,
    nodeUrl: `http://${v.image_svc_host}:${nodeApiPort(nodeDeps.config.values)}`,
    imagesUrl: `http://${shown}:${imagesRunning.port}`,
    imageRoot: v.image_svc_path,
    store: deps.store.location,
    logFile,
    spawn: v.invoke === 'spawn',
    pxeLines: pxe.banner,
    socketLine: banner.socket,
    authLine: `  auth     admin routes need a bearer token${LOCAL_EXCEPTION[trust]}; node routes are open${firstTokenLine}`,
    next: banner.next,
  });
  const at = { apiUrl, tls: !!tls, apiPort: running.port, imagePort: imagesRunning.port };
  const record = daemonRecord(deps, razorVersion(root), at, { socket: local.path, pxe: pxe.banner });
  const presence = publish(deps.config.home, record, lock);
  process.stdout.write(lines.join('\n'));
  log.info(
    { port: running.port, scheme: running.scheme, host: v.listen_address, invoke: v.invoke, connections },
    'razor daemon listening',
  );
  const stops = [() => running.stop(), () => imagesRunning.stop(), () => local.stop(), () => pxe.stop()];
  stops.push(() => events.stop());
  stops.push(await startDaemonHooks({ deps, log, metrics, events }));
  return serveUntilSignal({ deps, log, stops, withdraw: () => presence.withdraw() });
}
