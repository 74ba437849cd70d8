/**
 * Runs wrk (Debian's) as its own process, optionally pinned to a CPU, and reads its summary from
 * the JSON line bench/lib/wrk-report.lua prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One wrk run's numbers (latencies in microseconds). */
export interface LoadResult {
  requests: number;
  duration_us: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { min: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
  /** Derived: requests per second. */
  rps: number;
}

/** How hard and how long to load a server. */
export interface LoadOptions {
  connections: number;
  seconds: number;
  /** wrk threads (each an event loop). */
  threads: number;
  /** The CPU wrk is pinned to, if any. */
  cpu?: number;
  /** Seconds after which wrk counts a request as timed out (default 5). */
  timeout?: number;
  /** Lua source run before the report script (e.g. a `request` function; not `done`). */
  lua?: string;
}

const LUA = join(dirname(fileURLToPath(import.meta.url)), 'wrk-report.lua');

/** Loads `url` for `o.seconds` with `o.connections` keep-alive connections. */
export async function wrk(url: string, o: LoadOptions): Promise<LoadResult> {
  if (o.lua === undefined) return run(url, o, LUA);
  const dir = mkdtempSync(join(tmpdir(), 'razor-wrk-'));
  try {
    const script = join(dir, 'script.lua');
    writeFileSync(script, `${o.lua}\n${readFileSync(LUA, 'utf8')}`);
    return await run(url, o, script);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(url: string, o: LoadOptions, script: string): Promise<LoadResult> {
  const timeout = `${o.timeout ?? 5}s`;
  const args = [
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    '--timeout',
    timeout,
    '-s',
    script,
    url,
  ];
  const [cmd, argv] =
    o.cpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(o.cpu), 'wrk', ...args]];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => {
      const line = /^BENCH_JSON (.*)$/m.exec(out);
      if (code !== 0 || !line?.[1]) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      const r = JSON.parse(line[1]) as Omit<LoadResult, 'rps'>;
      resolve({ ...r, rps: r.requests / (r.duration_us / 1e6) });
    });
  });
}

/** Total errors of a run (connect, read, write, non-2xx/3xx, timeouts). */
export const errorCount = (r: LoadResult) => Object.values(r.errors).reduce((a, b) => a + b, 0);
