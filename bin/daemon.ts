/**
 * `razor daemon`: the server's composition root. Loads config and the store, builds the Express app
 * with in-process or spawn-per-request invocation, listens, prints where and what to do next, and
 * stops gracefully on SIGTERM/SIGINT.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { fileLogger } from '../daemon/logs/log-file.js';
import { catalogSecretKeys } from '../daemon/logs/log-redact.js';
import { allSlices } from '../slices/index.js';
import { dispatchRouted, toWire } from '../lib/verbs/dispatch.js';
import { restRoute } from '../lib/verbs/rest.js';
import { asRazorError } from '../lib/errors.js';
import { createApp, type AppDeps, type Invoke } from '../daemon/app.js';
import { listen } from '../daemon/server.js';
import { connectionLimits, processFileLimit } from '../daemon/limits/connection-limit.js';
import { sweepTimeouts } from '../lib/engine/sweeper.js';
import { spawnInvoke } from '../daemon/spawn.js';
import { createImageApp, imageBuffers, imageService } from '../daemon/images/image-service.js';
import { ImageFileCache } from '../daemon/images/image-files.js';
import { HeapWhileSending } from '../daemon/limits/heap.js';
import { authorizer, LOCAL_EXCEPTION, type LocalTrust } from '../daemon/rest/authorize.js';
import { listenLocal } from '../daemon/local-socket.js';
import { localBanner } from '../daemon/local-banner.js';
import { createToken } from '../lib/domain/tokens.js';
import { tokenBuckets } from '../lib/engine/rate-limit.js';
import { limitCheckins } from '../daemon/limits/checkin-limit.js';
import { loadTls } from '../daemon/tls.js';
import { nodeFacingOnly } from '../daemon/rest/node-only.js';
import type { Deps } from '../lib/verbs/context.js';
import { buildDeps } from './deps.js';
import { razorVersion } from './paths.js';
import { nodeApiPort, type ConfigKey } from '../lib/config.js';
import { startPxeServices, type PxeServices } from '../daemon/pxe/start.js';
import { chainScript } from '../daemon/pxe/chain-script.js';

function parseFlags(args: string[]): Partial<Record<ConfigKey, unknown>> | number {
  const cmd = new Command('razor daemon')
    .description('Run the razor server in the foreground: the REST API nodes and operators talk to')
    .option('-p, --port <port>', 'API port (config api_port, env RAZOR_API_PORT; default 8026)')
    .option('-l, --listen <address>', 'address to listen on (config listen_address; default 0.0.0.0)')
    .option('--image-port <port>', 'image service port (config image_svc_port; default 8027)')
    .option('-i, --invoke <mode>', "'inprocess' (default) or 'spawn': a razor -w child process per request")
    .option('--tftp', 'serve iPXE and razor.ipxe over TFTP (config tftp, tftp_root)')
    .option('--tftp-port <port>', 'TFTP port (config tftp_port; default 69)')
    .option('--proxy-dhcp', 'answer PXE clients beside your DHCP server, UDP 67 and 4011 (config proxy_dhcp)')
    .option(
      '--dhcp-interface <if>',
      'the interface whose address ProxyDHCP announces (config dhcp_interface)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  razor daemon\n  razor daemon --port 9026 --listen 127.0.0.1\n  RAZOR_HOME=/srv/razor razor daemon --invoke spawn\n  razor daemon --tftp --proxy-dhcp --dhcp-interface eth1',
    )
    .exitOverride();
  try {
    cmd.parse(args, { from: 'user' });
  } catch (err) {
    return (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const o = cmd.opts();
  return {
    api_port: o.port,
    image_svc_port: o.imagePort,
    listen_address: o.listen,
    invoke: o.invoke,
    // Built-in TFTP/ProxyDHCP (issue 17).
    ...{ tftp: o.tftp && 'true', tftp_port: o.tftpPort, proxy_dhcp: o.proxyDhcp && 'true' },
    dhcp_interface: o.dhcpInterface,
  };
}

/** On first start (no tokens yet) creates an admin token and writes it to `file` (mode 0600). */
async function firstToken(deps: Deps, file: string): Promise<string | undefined> {
  const secret = await deps.store.write(async (w) => {
    if ((await w.count('token')) > 0) return undefined;
    return (await createToken(w, 'admin', deps.newUuid(), deps.clock())).token;
  });
  if (!secret) return undefined;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** Runs the daemon until SIGTERM/SIGINT; returns the exit status. */
export async function runDaemon(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseFlags(args);
  if (typeof flags === 'number') return flags;
  let deps;
  let tls;
  try {
    deps = await buildDeps(root, env, flags);
    tls = loadTls(deps.config.values, deps.config.home);
    await deps.store.read(async () => undefined);
  } catch (err) {
    process.stderr.write(`razor daemon: ${asRazorError(err).message}\n`);
    return 2;
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
  const registry = allSlices();
  // One set of open image files and of buffers for both ports.
  const imageFiles = new ImageFileCache(v.image_svc_path);
  const buffers = imageBuffers();
  const heap = new HeapWhileSending();
  const report = (err: unknown) => log.error({ err }, 'internal error');
  const childEnv = { ...env };
  for (const [k, val] of Object.entries(flags))
    if (val !== undefined) childEnv[`RAZOR_${k.toUpperCase()}`] = String(val);
  const dispatch: Invoke =
    v.invoke === 'spawn'
      ? spawnInvoke({ razorBin: join(root, 'bin', 'razor'), env: childEnv, timeoutMs: v.request_timeout_ms })
      : async (call) =>
          toWire(
            await dispatchRouted(deps, call, call.input, {
              mode: 'web',
              method: call.method,
              remote: call.remote,
              report,
            }),
          );
  const perMinute = v.checkin_rate_per_minute;
  const invoke =
    perMinute > 0
      ? limitCheckins(dispatch, {
          perMinute,
          buckets: tokenBuckets({ perMinute, clock: deps.clock }),
        })
      : dispatch;
  const appWith = (authorize: AppDeps['authorize']) =>
    createApp({
      invoke,
      routeFor: (method, parts) => restRoute(registry, method, parts),
      log,
      bodyLimitBytes: v.body_limit_bytes,
      requestTimeoutMs: v.request_timeout_ms,
      // Open to all: nothing about the host (store path, invoke mode) beyond the version.
      health: () => ({ version: razorVersion(root) }),
      images: imageService({ root: v.image_svc_path, log, files: imageFiles, buffers, heap }),
      authorize,
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
  let running;
  let imagesRunning;
  let pxe: PxeServices | undefined;
  try {
    // The owner's Unix socket (ADR 0014): first, so a second daemon on this home stops here.
    local = await listenLocal(appWith(authorizer({ ...auth, channel: 'socket' })), {
      path: join(deps.config.home, 'razor.sock'),
      requestTimeoutMs: v.request_timeout_ms,
      log,
    });
    running = await listen(app, {
      host: v.listen_address,
      port: v.api_port,
      requestTimeoutMs: v.request_timeout_ms,
      log,
      tls,
      connections,
    });
    // With TLS the image port is the node port: images plus the node-facing verbs over plain HTTP,
    // for firmware without HTTPS (ADR 0010); admin routes are not there.
    const adminUrl = `https://${v.image_svc_host}:${running.port}/razor/api`;
    const imageApp = tls
      ? appWith(nodeFacingOnly({ adminUrl }))
      : createImageApp({ root: v.image_svc_path, log, files: imageFiles, buffers, heap });
    // Large downloads may take long: no request timeout on the image port (headers still time out).
    imagesRunning = await listen(imageApp, {
      host: v.listen_address,
      port: v.image_svc_port,
      requestTimeoutMs: 0,
      log,
      connections,
    });
    pxe = await startPxeServices({ values: v, log, chainScript: chainScript(deps, registry) });
  } catch (err) {
    await Promise.all([running?.stop(0), imagesRunning?.stop(0), local?.stop(0)]);
    process.stderr.write(`razor daemon: ${(err as Error).message}\n`);
    return 1;
  }
  const shown = v.listen_address === '0.0.0.0' ? 'localhost' : v.listen_address;
  const nodeUrl = `http://${v.image_svc_host}:${nodeApiPort(v)}`;
  const apiUrl = `${running.scheme}://${shown}:${running.port}`;
  const tokenPath = join(deps.config.home, 'admin.token');
  const banner = localBanner({ ...local, trust, apiUrl, certPath: tls?.certPath, tokenFile: tokenPath });
  process.stdout.write(
    [
      `razor ${razorVersion(root)} daemon (pid ${process.pid})`,
      tls
        ? `  API      ${apiUrl}/razor/api   (TLS, certificate ${tls.certPath})\n` +
          `  nodes    http://${shown}:${imagesRunning.port}/razor/api   (node-facing routes only, plain HTTP for iPXE; nodes are told ${nodeUrl})`
        : `  API      ${apiUrl}/razor/api   (nodes are told ${nodeUrl})`,
      `  images   http://${shown}:${imagesRunning.port}/razor/image   (also on the API port; files in ${v.image_svc_path})`,
      `  store    ${deps.store.location} (embedded JSON)`,
      `  log      ${logFile}   (razor log -t 20)`,
      `  invoke   ${v.invoke === 'spawn' ? 'a razor -w child process per request' : 'in-process'}`,
      ...pxe.banner,
      banner.socket,
      `  auth     admin routes need a bearer token${LOCAL_EXCEPTION[trust]}; node routes are open${tokenFile ? `\n           first token written to ${tokenFile} (mode 0600)` : ''}`,
      'Next:',
      ...banner.next,
      '  razor config ipxe > /srv/tftp/razor.ipxe             the chain script for your TFTP server',
      '  razor help                                           every command, with examples',
      'Stop with Ctrl-C (SIGINT) or SIGTERM; requests in flight finish first.',
      '',
    ].join('\n'),
  );
  log.info(
    { port: running.port, scheme: running.scheme, host: v.listen_address, invoke: v.invoke, connections },
    'razor daemon listening',
  );
  const sweep = setInterval(() => {
    sweepTimeouts(deps)
      .then((moved) => moved.length && log.warn({ active_models: moved }, 'installs timed out'))
      .catch((err: unknown) => log.error({ err }, 'sweep failed'));
  }, v.daemon_min_cycle_time * 1000);
  sweep.unref();
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(sweep);
      process.stdout.write(`razor daemon: ${signal}, finishing requests in flight…\n`);
      log.info({ signal }, 'shutting down');
      await Promise.all([running.stop(), imagesRunning.stop(), local.stop(), pxe.stop()]);
      await deps.store.close();
      log.flush();
      process.stdout.write('razor daemon: stopped\n');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
