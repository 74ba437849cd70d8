/**
 * Daemons sharing one PostgreSQL database for the fleet benchmark: a throwaway server
 * (test/helpers/postgres.ts), one RAZOR_HOME per daemon whose config.yaml points at the database,
 * and each daemon started as an operator starts it; the database's size afterwards.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../../test/helpers/postgres.js';
import { clockTicks } from './proc-watch.js';
import { startRazor, type Server } from './servers.js';

/** Where Debian installs the server's programs, one directory per major version. */
const PG_ROOT = '/usr/lib/postgresql';

/** Whether a PostgreSQL server (initdb) is installed where startPostgres looks for it. */
export function postgresInstalled(): boolean {
  return (
    existsSync(PG_ROOT) && readdirSync(PG_ROOT).some((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
  );
}

/** The running setup: the server, the database's URL, the daemons and their homes. */
export interface PgDaemons {
  postgres: PostgresServer;
  url: string;
  homes: string[];
  /** Every daemon carries the first one's admin token (the tokens live in the shared database). */
  daemons: Server[];
  stop: () => Promise<void>;
}

/** A RAZOR_HOME whose config points at `url`, the per-client connection caps raised. */
function pgHome(root: string, name: string, url: string): string {
  const home = join(root, name);
  mkdirSync(join(home, 'log'), { recursive: true });
  const limits = 'max_connections_per_address: 1000\nmax_connections_per_port: 1000\n';
  writeFileSync(join(home, 'config.yaml'), `store: ${url}\n${limits}`);
  return home;
}

/**
 * Starts the server, creates the database and starts `count` daemons on it, homes under `root`,
 * each under node with `nodeArgs` (e.g. `--cpu-prof`).
 */
export async function startPgDaemons(root: string, count = 2, nodeArgs: string[] = []): Promise<PgDaemons> {
  const postgres = await startPostgres();
  const daemons: Server[] = [];
  const stop = async () => {
    for (const d of daemons) await d.stop().catch(() => undefined);
    await postgres.stop();
  };
  try {
    const url = await postgres.createDatabase('razor_fleet');
    const homes = Array.from({ length: count }, (_, i) => pgHome(root, `home-${i}`, url));
    // One after the other: the first migrates the schema and creates the admin token.
    for (const [i, home] of homes.entries()) {
      const d = await startRazor(home, nodeArgs, undefined, `razor-${String.fromCharCode(97 + i)}`);
      daemons.push({ ...d, token: daemons[0]?.token ?? d.token });
    }
    return { postgres, url, homes, daemons, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** pg_database_size of the database at `url`, in bytes. */
export async function databaseBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size');
    return Number(r.rows[0]?.size);
  } finally {
    await client.end();
  }
}

/** utime, stime, cutime, cstime of `pid` in clock ticks (0s when it is gone). */
function cpuFields(pid: number): number[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [fields[1], ...fields.slice(11, 15)].map(Number); // ppid first
  } catch {
    return [0, 0, 0, 0, 0];
  }
}

/** CPU ticks of the postmaster (its reaped children included) and of its live children. */
function serverTicks(postmaster: number): number {
  let ticks = cpuFields(postmaster)
    .slice(1)
    .reduce((a, b) => a + b, 0);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const [ppid, utime = 0, stime = 0] = cpuFields(Number(entry));
    if (ppid === postmaster) ticks += utime + stime;
  }
  return ticks;
}

/** Starts counting the CPU time the server's processes use; `stop` says how many seconds. */
export function watchPostgresCpu(postgres: PostgresServer): { stop: () => number } {
  const postmaster = Number(
    readFileSync(join(postgres.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const ticks = clockTicks();
  const start = serverTicks(postmaster);
  return { stop: () => (serverTicks(postmaster) - start) / ticks };
}
