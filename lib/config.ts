/**
 * Configuration: `$RAZOR_HOME/config.yaml` with the original's keys and defaults
 * (reference §9), overridden by `RAZOR_<KEY>` environment variables and then by command-line flags.
 * Every value remembers where it came from, so `razor config` can say.
 */
import { readFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RazorError } from './errors.js';

/** The default value of every configuration key. Derived defaults are filled in by `loadConfig`. */
export const CONFIG_DEFAULTS = {
  image_svc_host: '',
  listen_address: '0.0.0.0',
  api_port: 8026,
  image_svc_port: 8027,
  image_svc_path: '',
  persist_mode: 'json',
  persist_path: '',
  invoke: 'inprocess',
  mk_uri: '',
  mk_checkin_interval: 60,
  mk_checkin_skew: 5,
  mk_register_path: '/razor/api/node/register',
  mk_checkin_path: '/razor/api/node/checkin',
  mk_fact_excl_pattern:
    '(^facter.*$)|(^id$)|(^kernel.*$)|(^memoryfree$)|(^operating.*$)|(^osfamily$)|(^path$)|(^ps$)|(^ruby.*$)|(^selinux$)|(^ssh.*$)|(^swap.*$)|(^timezone$)|(^uniqueid$)|(^uptime.*$)|(.*json_str$)',
  mk_log_level: 'Logger::ERROR',
  register_timeout: 120,
  install_timeout: 7200,
  node_expire_timeout: 300,
  daemon_min_cycle_time: 30,
  rz_mk_boot_debug_level: '',
  rz_mk_boot_kernel_args: '',
  default_ipmi_username: 'ipmi_user',
  default_ipmi_password: 'ipmi_password',
  log_level: 'info',
  request_timeout_ms: 30000,
  auth_allow_localhost: 'owner',
  body_limit_bytes: 1048576,
  checkin_rate_per_minute: 60,
  max_connections_per_port: 0,
  max_connections_per_address: 64,
  secrets_to_boot_address: 'true',
  secrets_serve_limit: 3,
  store_generations: 5,
  tls_cert: '',
  tls_key: '',
  // Built-in TFTP and ProxyDHCP (issue 17, ADR 0023): off unless asked for.
  tftp: 'false',
  tftp_port: 69,
  tftp_root: '/usr/lib/ipxe',
  proxy_dhcp: 'false',
  proxy_dhcp_port: 67,
  proxy_dhcp_pxe_port: 4011,
  dhcp_interface: '',
  pxe_efi_file: 'snponly.efi',
};

/** A configuration key. */
export type ConfigKey = keyof typeof CONFIG_DEFAULTS;

/** Where a value came from. */
export type ConfigSource = 'default' | 'derived' | 'file' | 'env' | 'flag';

/** The effective configuration. */
export type ConfigValues = { -readonly [K in ConfigKey]: (typeof CONFIG_DEFAULTS)[K] };

/** Effective values, their sources, and the files they were read from. */
export interface Config {
  readonly home: string;
  readonly file: string;
  readonly values: Readonly<ConfigValues>;
  readonly sources: Readonly<Record<ConfigKey, ConfigSource>>;
}

const CHOICES: Partial<Record<ConfigKey, readonly string[]>> = {
  persist_mode: ['json'],
  invoke: ['inprocess', 'spawn'],
  log_level: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
  rz_mk_boot_debug_level: ['', 'quiet', 'debug'],
  auth_allow_localhost: ['owner', 'true', 'false'],
  secrets_to_boot_address: ['true', 'false'],
  tftp: ['true', 'false'],
  proxy_dhcp: ['true', 'false'],
  pxe_efi_file: ['snponly.efi', 'ipxe.efi'],
};

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

function coerce(key: ConfigKey, raw: unknown, where: string): unknown {
  const want = typeof CONFIG_DEFAULTS[key];
  let v: unknown = raw;
  if (want === 'number') {
    v = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new RazorError('InputError', `${where}: ${key} must be a whole number, not '${String(raw)}'`);
    }
  } else if (typeof raw !== 'string') {
    v = raw === null || raw === undefined ? '' : String(raw);
  }
  const choices = CHOICES[key];
  if (choices && !choices.includes(v as string)) {
    throw new RazorError(
      'InputError',
      `${where}: ${key} must be one of ${choices.map((c) => `'${c}'`).join(', ')}`,
    );
  }
  return v;
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
    throw new RazorError('InputError', `${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
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
  for (const [k, v] of Object.entries(fromFile)) {
    if (!known.has(k)) {
      throw new RazorError(
        'InputError',
        `${file}: unknown key '${k}'; run 'razor config' to see the known keys`,
      );
    }
    values[k as ConfigKey] = coerce(k as ConfigKey, v, file);
    sources[k as ConfigKey] = 'file';
  }
  for (const k of known) {
    const v = opts.env[`RAZOR_${k.toUpperCase()}`];
    if (v !== undefined && v !== '') {
      values[k as ConfigKey] = coerce(k as ConfigKey, v, `RAZOR_${k.toUpperCase()}`);
      sources[k as ConfigKey] = 'env';
    }
  }
  for (const [k, v] of Object.entries(opts.flags ?? {})) {
    if (v === undefined) continue;
    values[k as ConfigKey] = coerce(k as ConfigKey, v, `--${k}`);
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
  return { home, file, values: values as ConfigValues, sources };
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

/** The `mk_*` settings sent to Microkernels as `client_config`. */
export function clientConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config.values).filter(([k]) => k.startsWith('mk_')));
}
