/**
 * Output that tells nodes where the daemon is (`razor config ipxe`, `razor config dnsmasq`) uses
 * the running daemon's real endpoints from its record (ADR 0025), not only the configuration: a
 * daemon started with `--port 28026` gets chain URLs on 28026, and stderr says the two differ.
 * With no daemon running and ports that are not the defaults, stderr says the URLs come from the
 * configuration alone.
 */
import { nodeApiPort, type Config, type ConfigValues } from '../lib/config.js';
import { daemonState } from '../lib/runtime/daemon-state.js';
import type { DaemonRecord } from '../lib/runtime/daemon-record.js';
import type { Deps } from '../lib/verbs/context.js';

/** `config` verbs that print the daemon's URLs for nodes. */
const PRINTS_NODE_URLS = new Set(['ipxe', 'dnsmasq']);

/** Keys that decide the port nodes are told. */
const PORT_KEYS = ['api_port', 'image_svc_port', 'tls_cert', 'tls_key'] as const;

/** The configuration with what the running daemon tells nodes (its host, port and TLS). */
function asRunning(config: Config, r: DaemonRecord): Config {
  const v = config.values;
  const tls = r.tls
    ? { tls_cert: v.tls_cert || r.api_url, tls_key: v.tls_key || r.api_url }
    : { tls_cert: '', tls_key: '' };
  const values: ConfigValues = {
    ...v,
    ...tls,
    image_svc_host: r.node_host,
    api_port: r.tls ? r.api_port : r.node_port,
    image_svc_port: r.tls ? r.node_port : r.image_port,
  };
  return { ...config, values };
}

/**
 * The deps a call runs with: for `config ipxe|dnsmasq`, the running daemon's endpoints (a note on
 * `stderr` when they differ from the configuration's), else `deps` as they are.
 */
export function withDaemonEndpoints(
  deps: Deps,
  words: readonly string[],
  stderr: NodeJS.WritableStream,
): Deps {
  if (words[0] !== 'config' || !PRINTS_NODE_URLS.has(words[1] ?? '')) return deps;
  const { config } = deps;
  const v = config.values;
  const configured = `http://${v.image_svc_host}:${nodeApiPort(v)}`;
  const what = `razor config ${words[1]}`;
  let found;
  try {
    found = daemonState(config.home, v.persist_path);
  } catch (err) {
    stderr.write(
      `${what}: cannot tell whether a daemon runs (${(err as Error).message}); using the configuration\n`,
    );
    return deps;
  }
  if (found.state === 'running') {
    const r = found.record;
    const running = `http://${r.node_host}:${r.node_port}`;
    if (running === configured) return deps;
    stderr.write(
      `${what}: the daemon of this RAZOR_HOME (pid ${r.pid}) tells nodes ${running}, ` +
        `the configuration says ${configured}; using the daemon's\n`,
    );
    return { ...deps, config: asRunning(config, r) };
  }
  const changed = PORT_KEYS.filter((k) => config.sources[k] !== 'default');
  if (changed.length)
    stderr.write(
      `${what}: no daemon is running for this RAZOR_HOME; ${configured} comes from the configuration ` +
        `(${changed.map((k) => `${k} from ${config.sources[k]}`).join(', ')}): start the daemon with the same settings\n`,
    );
  return deps;
}
