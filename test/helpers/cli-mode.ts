/**
 * How the CLI tests run `razor` (ADR 0025): `local` on the store of the test's RAZOR_HOME, or
 * `remote` — the same calls sent with RAZOR_URL, RAZOR_TOKEN and RAZOR_CA_FILE to a daemon serving
 * that home over TLS on another port (one daemon per home, started when first needed), from an
 * empty client home, so nothing can be read locally. A test file that imports the CLI suite sets
 * the mode first (test/integration/cli-remote.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type DaemonProcess } from './daemon.js';
import { SEED_TOKEN } from './fixture.js';

/** Turns the environment of a local run into that of this mode's run. */
export interface CliMode {
  readonly name: 'local' | 'remote';
  env(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv>;
  /** Stops what the mode started. */
  stop(): Promise<void>;
}

/** Runs on the local store. */
export const LOCAL: CliMode = { name: 'local', env: async (env) => env, stop: async () => undefined };

let current: CliMode = LOCAL;
/** The mode of this test file. */
export const cliMode = (): CliMode => current;
/** Sets the mode for the suites imported after this call. */
export function useCliMode(mode: CliMode): void {
  current = mode;
}

/** A self-signed certificate for 127.0.0.1 and localhost (openssl), its files in `dir`. */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const files = { cert: join(dir, 'razor.crt'), key: join(dir, 'razor.key') };
  execFileSync('openssl', [
    'req', '-x509', '-nodes', '-days', '2', '-subj', '/CN=razor',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', files.key, '-out', files.cert,
  ], { stdio: 'ignore' }); // prettier-ignore
  return files;
}

/** A daemon of a home and the token to use with it. */
interface Served {
  d: DaemonProcess;
  token: string;
}

/** Sends every call to a TLS daemon of the test's home, with a token. */
export function remoteMode(): CliMode {
  const dir = mkdtempSync(join(tmpdir(), 'razor-remote-cli-'));
  const client = mkdtempSync(join(dir, 'client-home-'));
  const tls = selfSignedCert(dir);
  const daemons = new Map<string, Promise<Served>>();
  const serve = async (home: string): Promise<Served> => {
    const d = await startDaemon(home, [], { RAZOR_TLS_CERT: tls.cert, RAZOR_TLS_KEY: tls.key });
    // A new store gets a first token from the daemon; a seeded one has the seeded token.
    const file = join(home, 'admin.token');
    const token = existsSync(file) ? readFileSync(file, 'utf8').trim() : SEED_TOKEN;
    return { d, token };
  };
  return {
    name: 'remote',
    env: async (env) => {
      const home = env.RAZOR_HOME as string;
      if (!daemons.has(home)) daemons.set(home, serve(home));
      const { d, token } = await (daemons.get(home) as Promise<Served>);
      if (!d.url.startsWith('https://')) throw new Error(`the daemon of ${home} serves no TLS`);
      return { ...env, RAZOR_HOME: client, RAZOR_URL: d.url, RAZOR_TOKEN: token, RAZOR_CA_FILE: tls.cert };
    },
    stop: async () => {
      const all = await Promise.allSettled(daemons.values());
      await Promise.all(all.map((s) => (s.status === 'fulfilled' ? s.value.d.stop() : undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
