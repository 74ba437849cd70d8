/**
 * Which daemon a remote CLI talks to (ADR 0025): `--url` or `RAZOR_URL`; the token from
 * `RAZOR_TOKEN` or the credentials file (`$XDG_CONFIG_HOME/razor/credentials`, else
 * `~/.config/razor/credentials`, refused when group or others may read it); the CA that signed the
 * daemon's certificate from `--ca-file` or `RAZOR_CA_FILE` (else the system's). Certificates are
 * always verified, and a token is never sent in cleartext to another host.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RazorError } from '../errors.js';

/** The daemon a remote call goes to and how to authenticate it and ourselves. */
export interface RemoteTarget {
  /** The daemon's origin, e.g. `https://razor.example:8026`. */
  readonly url: URL;
  readonly token?: string;
  /** PEM text of the CA to trust instead of the system's. */
  readonly ca?: string;
}

/** The remote switches, taken out of the arguments wherever they are. */
export interface RemoteSwitches {
  url?: string;
  caFile?: string;
  /** The other arguments, in order. */
  argv: string[];
}

const NAMES: Record<string, 'url' | 'caFile'> = { '--url': 'url', '--ca-file': 'caFile' };

/**
 * Takes `--url X`/`--url=X` and `--ca-file X` from the leading switches, before the slice (after
 * it, `--url` is `image add`'s own option).
 */
export function takeRemoteSwitches(argv: readonly string[]): RemoteSwitches | { error: string } {
  const out: RemoteSwitches = { argv: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '--') break;
    const [name, inline] = a.split(/=(.*)/s) as [string, string | undefined];
    const key = NAMES[name];
    if (!key) {
      out.argv.push(a);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') {
      const example = key === 'url' ? 'https://razor:8026' : 'ca.pem';
      return { error: `${name} needs a value, e.g. ${name} ${example}` };
    }
    out[key] = value;
  }
  out.argv.push(...argv.slice(i));
  return out;
}

/** The credentials file's path. */
export function credentialsFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'razor', 'credentials');
}

/**
 * The token the credentials file holds for `url`: lines `<url> <token>` (that daemon) or a bare
 * `<token>` (any daemon); `#` starts a comment. Undefined when there is no file.
 */
export function tokenFromFile(file: string, url: URL): string | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) !== 0)
    throw new RazorError(
      'Forbidden',
      `${file} is readable by others (mode ${(mode & 0o777).toString(8)}): it holds tokens; run 'chmod 600 ${file}'`,
    );
  let fallback: string | undefined;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 1) fallback ??= words[0];
    if (words.length === 2 && sameOrigin(words[0] as string, url)) return words[1];
  }
  return fallback;
}

const sameOrigin = (text: string, url: URL) => {
  try {
    return new URL(text).origin === url.origin;
  } catch {
    return false;
  }
};

const isLoopbackHost = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(host);

/** The remote target from the switches and environment, or undefined for local use. */
export function remoteTarget(
  sw: Omit<RemoteSwitches, 'argv'>,
  env: NodeJS.ProcessEnv,
): RemoteTarget | undefined {
  const text = sw.url ?? (env.RAZOR_URL || undefined);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RazorError(
      'InputError',
      `'${text}' is not a URL; give the daemon's, e.g. --url https://razor:8026`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RazorError(
      'InputError',
      `${text}: the daemon's URL starts with https:// (or http:// on this host)`,
    );
  const token = env.RAZOR_TOKEN || tokenFromFile(credentialsFile(env), url);
  if (token && url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new RazorError(
      'Forbidden',
      `refusing to send a token in cleartext to ${url.origin}; use https:// (the daemon serves TLS with tls_cert and tls_key)`,
    );
  const caFile = sw.caFile ?? (env.RAZOR_CA_FILE || undefined);
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new RazorError('InputError', `cannot read the CA file ${caFile}: ${(err as Error).message}`);
    }
  }
  return { url, token, ca };
}
