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

/**
 * Loads each of `urls` in turn, `rounds` times, for `o.seconds / rounds` each, and sums each one's
 * rounds: servers compared this way see the same machine, however its load drifts during the run
 * (a 2-core VM's neighbours, the fleet's own checkins). Latencies are each round's worst.
 */
export async function wrkAlternating(
  urls: readonly string[],
  o: LoadOptions,
  rounds = 5,
): Promise<LoadResult[]> {
  const slice = { ...o, seconds: Math.max(1, Math.round(o.seconds / rounds)) };
  const sums: Array<LoadResult | undefined> = urls.map(() => undefined);
  for (let round = 0; round < rounds; round++)
    for (const [i, url] of urls.entries()) {
      const r = await wrk(url, slice);
      const s = sums[i];
      sums[i] = !s
        ? r
        : {
            requests: s.requests + r.requests,
            duration_us: s.duration_us + r.duration_us,
            bytes: s.bytes + r.bytes,
            errors: Object.fromEntries(
              Object.entries(s.errors).map(([k, v]) => [k, v + r.errors[k as keyof LoadResult['errors']]]),
            ) as LoadResult['errors'],
            latency_us: Object.fromEntries(
              Object.entries(s.latency_us).map(([k, v]) => {
                const other = r.latency_us[k as keyof LoadResult['latency_us']];
                return [k, k === 'min' ? Math.min(v, other) : Math.max(v, other)];
              }),
            ) as LoadResult['latency_us'],
            rps: 0,
          };
    }
  return sums.map((s) => ({
    ...(s as LoadResult),
    rps: (s as LoadResult).requests / ((s as LoadResult).duration_us / 1e6),
  }));
}
