/**
 * Configuration: `$RAZOR_HOME/config.yaml` with the original's keys and defaults
 * (reference §9), overridden by `RAZOR_<KEY>` environment variables and then by command-line flags.
 * Every value remembers where it came from, so `razor config` can say.
 */
import { readFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { parseYaml } from './yaml.js';
import { RazorError } from './errors.js';
import { unknownKeyError, yamlSyntaxError } from './config-hints.js';
import {
  CONFIG_DEFAULTS,
  coerceValue,
  type Config,
  type ConfigKey,
  type ConfigSource,
  type ConfigValues,
} from './config-keys.js';

export * from './config-keys.js';

/** `$RAZOR_HOME`, defaulting to `~/.razor`. */
export function razorHome(env: NodeJS.ProcessEnv): string {
  return resolve(env.RAZOR_HOME || join(homedir(), '.razor'));
}

/** The first non-internal IPv4 address of this host, or 127.0.0.1. */
export function firstLocalIpv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function readFileConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RazorError('InputError', `cannot read ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw yamlSyntaxError(file, text, err);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new RazorError('InputError', `${file} must be a YAML mapping of key: value`);
  }
  return data as Record<string, unknown>;
}

/** Inputs to `loadConfig`: the environment and any command-line overrides. */
export interface LoadConfigOptions {
  env: NodeJS.ProcessEnv;
  flags?: Partial<Record<ConfigKey, unknown>>;
}

/** Loads the effective configuration: defaults < config.yaml < RAZOR_* env < flags. */
export function loadConfig(opts: LoadConfigOptions): Config {
  const home = razorHome(opts.env);
  const file = join(home, 'config.yaml');
  const values = { ...CONFIG_DEFAULTS } as Record<ConfigKey, unknown>;
  const sources = Object.fromEntries(Object.keys(CONFIG_DEFAULTS).map((k) => [k, 'default'])) as Record<
    ConfigKey,
    ConfigSource
  >;
  const known = new Set(Object.keys(CONFIG_DEFAULTS));
  const fromFile = readFileConfig(file);
  const mkExtra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fromFile)) {
    // A Microkernel may read settings razor does not know: they travel in client_config.
    if (!known.has(k) && k.startsWith('mk_')) {
      mkExtra[k] = v;
      continue;
    }
    if (!known.has(k)) throw unknownKeyError(file, k, known);
    values[k as ConfigKey] = coerceValue(k as ConfigKey, v, file);
    sources[k as ConfigKey] = 'file';
  }
  for (const k of known) {
    const v = opts.env[`RAZOR_${k.toUpperCase()}`];
    if (v !== undefined && v !== '') {
      values[k as ConfigKey] = coerceValue(k as ConfigKey, v, `RAZOR_${k.toUpperCase()}`);
      sources[k as ConfigKey] = 'env';
    }
  }
  for (const [k, v] of Object.entries(opts.flags ?? {})) {
    if (v === undefined) continue;
    values[k as ConfigKey] = coerceValue(k as ConfigKey, v, `--${k}`);
    sources[k as ConfigKey] = 'flag';
  }
  const derive = (k: ConfigKey, v: () => unknown) => {
    if (values[k] === '') {
      values[k] = v();
      sources[k] = 'derived';
    }
  };
  derive('image_svc_host', firstLocalIpv4);
  derive('image_svc_path', () => join(home, 'image'));
  derive('persist_path', () => join(home, 'razor.json'));
  derive('mk_uri', () => `http://${values.image_svc_host}:${nodeApiPort(values as ConfigValues)}`);
  derive('mk_tce_mirror_uri', () => `http://localhost:${String(values.mk_tce_mirror_port)}/tinycorelinux`);
  derive('mk_tce_install_list_uri', () => `${String(values.mk_tce_mirror_uri)}/tce-install-list`);
  derive('mk_kmod_install_list_uri', () => `${String(values.mk_tce_mirror_uri)}/kmod-install-list`);
  return { home, file, values: values as ConfigValues, sources, mkExtra };
}

/** Whether the admin API is served over HTTPS (`tls_cert`/`tls_key` set; the daemon checks both are). */
export function tlsEnabled(v: Pick<ConfigValues, 'tls_cert' | 'tls_key'>): boolean {
  return v.tls_cert !== '' || v.tls_key !== '';
}

/**
 * The port nodes reach the node-facing API on, always over plain HTTP (iPXE has no HTTPS):
 * `api_port`, or `image_svc_port` when the API port serves HTTPS (ADR 0010).
 */
export function nodeApiPort(
  v: Pick<ConfigValues, 'tls_cert' | 'tls_key' | 'api_port' | 'image_svc_port'>,
): number {
  return tlsEnabled(v) ? v.image_svc_port : v.api_port;
}

/** The `mk_*` settings sent to Microkernels as `client_config` (the original's 13, and any extra). */
export function clientConfig(config: Config): Record<string, unknown> {
  const known = Object.entries(config.values).filter(([k]) => k.startsWith('mk_'));
  return { ...config.mkExtra, ...Object.fromEntries(known) };
}
