/**
 * A throwaway PostgreSQL server for one test file: `initdb` + `pg_ctl` in a temporary directory,
 * on a free loopback port with its Unix socket in that directory, run by an unprivileged user
 * (`razor-test`, created when missing, when the tests run as root), stopped and removed afterwards.
 * Without PostgreSQL installed the suite is skipped loudly (a failure under RAZOR_TEST_REQUIRE_ALL=1).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { systemAvailable } from './system.js';

const run = promisify(execFile);
const USER = 'razor-test';

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = majors
    .sort((a, b) => Number(b) - Number(a))
    .find((v) => existsSync(join(root, v, 'bin', 'initdb')));
  return newest && join(root, newest, 'bin');
}

/** Whether PostgreSQL can be started here; skips loudly (or fails under REQUIRE_ALL) when not. */
export const postgresAvailable = (): boolean =>
  systemAvailable('PostgreSQL server (initdb, pg_ctl)', () =>
    binDir() ? undefined : "no /usr/lib/postgresql/*/bin/initdb: install the 'postgresql' package",
  );

/** The uid/gid the server runs as: `razor-test` when we are root, else ourselves. */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // Another test file created it at the same moment.
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A running throwaway server. */
export interface PostgresServer {
  /** The URL of database `db` as the superuser `razor` (its password included). */
  url(db?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** The server's directory (data, log, socket). */
  dir: string;
  stop(): Promise<void>;
}

/** Starts a server; call `stop()` in afterAll. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir() as string;
  const dir = mkdtempSync(join(tmpdir(), 'razor-pg-'));
  const user = serverUser();
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined) {
    chownSync(dir, user.uid, user.gid as number);
    chownSync(join(dir, 'pwfile'), user.uid, user.gid as number);
  }
  const as = { ...user, env: { ...process.env, LC_ALL: 'C' } };
  const data = join(dir, 'data');
  await run(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'razor',
      `--pwfile=${join(dir, 'pwfile')}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
    ],
    as,
  );
  const port = await freePort();
  const options = [
    `-c port=${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c max_connections=200',
    '-c fsync=off',
  ].join(' ');
  await run(
    join(bin, 'pg_ctl'),
    ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '120', 'start'],
    as,
  );
  const url = (db = 'postgres') => `postgres://razor:${password}@127.0.0.1:${port}/${db}`;
  return {
    dir,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], as).catch(
        () => undefined,
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
