/**
 * The configuration keys (reference §9): each key's default, the words a key may take, and how a
 * raw value from config.yaml, the environment or a flag becomes a key's value.
 */
import { RazorError } from './errors.js';
import { redactStoreUrl, storeUrlProblem } from './store/pg-url.js';

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
  // The Microkernel's local mirrors (the original's remaining mk_* keys); the URIs derive from the port.
  mk_tce_mirror_port: 2157,
  mk_tce_mirror_uri: '',
  mk_tce_install_list_uri: '',
  mk_kmod_install_list_uri: '',
  mk_gem_mirror_uri: 'http://localhost:2158/gem-mirror',
  mk_gemlist_uri: 'http://localhost:2158/gem-mirror/gems/gem.list',
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
  /** A client's request headers (and TLS handshake) must arrive within this; `0` = no limit. */
  headers_timeout_ms: 10000,
  /** How far the daemon's heap may grow past what survived a full collection, in percent; 0 = V8's own (ADR 0033). */
  heap_growth_percent: 50,
  auth_allow_localhost: 'owner',
  body_limit_bytes: 1048576,
  checkin_rate_per_minute: 60,
  max_connections_per_port: 0,
  max_connections_per_address: 64,
  secrets_to_boot_address: 'true',
  secrets_serve_limit: 3,
  store_generations: 5,
  /** Below this many bytes the store is rewritten whole per write; beyond it writes go to the journal (ADR 0027). */
  store_journal_from: 65536,
  /** Empty: the embedded store at persist_path; `postgres://user:password@host:port/db`: PostgreSQL (ADR 0028). */
  store: '',
  tls_cert: '',
  tls_key: '',
  /** `GET /metrics`: 'open' (default, as Prometheus scrapes) or 'token' (a bearer token needed). */
  metrics_auth: 'open',
  /** The first wait before a failed hook delivery is tried again, doubling each time up to 5 min (ADR 0032). */
  hook_retry_base_ms: 1000,
  // Built-in TFTP and ProxyDHCP (issue 17, ADR 0023): off unless asked for.
  tftp: 'false',
  tftp_port: 69,
  tftp_root: '/usr/lib/ipxe',
  proxy_dhcp: 'false',
  proxy_dhcp_port: 67,
  proxy_dhcp_pxe_port: 4011,
  dhcp_interface: '',
  pxe_efi_file: 'snponly.efi',
  // Full DHCP mode for an isolated lab network (ADR 0026): off unless asked for.
  dhcp: 'false',
  dhcp_port: 67,
  /** The address pool, `first-last` (192.168.77.100-192.168.77.200). */
  dhcp_range: '',
  /** Empty: the netmask of dhcp_interface's address. */
  dhcp_netmask: '',
  dhcp_router: '',
  /** DNS servers, comma-separated. */
  dhcp_dns: '',
  dhcp_lease_time: 3600,
  /** Static reservations, `MAC=IP` comma-separated (52:54:00:00:00:01=192.168.77.10). */
  dhcp_reservations: '',
  /** A folder of more families beside the built-in templates/: models/, policies/, images/, brokers/ (ADR 0022). */
  extra_templates_path: '',
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
  /** `mk_*` keys of config.yaml razor does not know: passed on to Microkernels as they are. */
  readonly mkExtra?: Readonly<Record<string, unknown>>;
}

const CHOICES: Partial<Record<ConfigKey, readonly string[]>> = {
  persist_mode: ['json'],
  invoke: ['inprocess', 'spawn'],
  log_level: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
  rz_mk_boot_debug_level: ['', 'quiet', 'debug'],
  auth_allow_localhost: ['owner', 'true', 'false'],
  secrets_to_boot_address: ['true', 'false'],
  metrics_auth: ['open', 'token'],
  tftp: ['true', 'false'],
  proxy_dhcp: ['true', 'false'],
  pxe_efi_file: ['snponly.efi', 'ipxe.efi'],
  dhcp: ['true', 'false'],
};

/** Numbers allowed only from `min` to `max` (and `also`), and how the error says so. */
const RANGES: Partial<Record<ConfigKey, { min: number; max: number; also?: number; meaning: string }>> = {
  heap_growth_percent: { min: 10, max: 300, also: 0, meaning: "0 (V8's own sizing) or 10 to 300" },
};

/** Checks and converts a raw value for `key`; `where` names its source in the error. */
export function coerceValue(key: ConfigKey, raw: unknown, where: string): unknown {
  const want = typeof CONFIG_DEFAULTS[key];
  let v: unknown = raw;
  if (want === 'number') {
    v = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new RazorError('InputError', `${where}: ${key} must be a whole number, not '${String(raw)}'`);
    }
    if (key.endsWith('_port') && v > 65535) {
      throw new RazorError(
        'InputError',
        `${where}: ${key} must be a port number (0 to 65535), not '${String(raw)}'`,
      );
    }
    const range = RANGES[key];
    if (range && v !== range.also && (v < range.min || v > range.max)) {
      throw new RazorError('InputError', `${where}: ${key} must be ${range.meaning}, not '${String(raw)}'`);
    }
  } else if (typeof raw !== 'string') {
    v = raw === null || raw === undefined ? '' : String(raw);
  }
  const storeProblem = key === 'store' ? storeUrlProblem(v as string) : undefined;
  if (storeProblem) {
    throw new RazorError(
      'InputError',
      `${where}: store must be empty (the embedded store at persist_path) or postgres://user:password@host:port/database; '${redactStoreUrl(v as string)}': ${storeProblem}`,
    );
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
