/**
 * Where razor's time goes per boot request, on the same fleet and bound node as bench/boot.ts:
 *
 *   npm run bench:boot:profile
 *
 * 1. Layers under wrk (no profiler): the full daemon; razor's HTTP layer alone (createApp + listen
 *    with an invoke that answers the script at once: bench/lib/razor-app-server.ts), with its
 *    request log and without; a bare Express handler. The differences in µs per request split
 *    razor's cost into engine, request log and the rest of the HTTP layer.
 * 2. The daemon under `node --cpu-prof`, loaded by wrk; only the samples of the measured window,
 *    divided by the requests served in it: self time by module and function, inclusive time by
 *    function, in µs per request (the profiler slows the daemon: read the shares). The .cpuprofile
 *    is kept in bench/results/ for Chrome DevTools.
 * 3. The pieces of one request timed one by one in this process (bench/lib/breakdown.ts).
 * Knobs (env): BENCH_NODES, BENCH_CONNECTIONS, BENCH_SECONDS, BENCH_PROFILE_INTERVAL_US, BENCH_TOP,
 * BENCH_BREAKDOWN_CALLS, BENCH_ROUNDS (turns of the layers, default 3), BENCH_PIN=0.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFleet, type Target } from './lib/fleet.js';
import {
  bindTarget,
  bootPath,
  expectSame,
  installerScript,
  pin,
  startExpress,
  startRazor,
  startRazorApp,
  type Server,
} from './lib/servers.js';
import { wrk, type LoadOptions, type LoadResult } from './lib/wrk.js';
import { summarise } from './lib/cpuprofile.js';
import { bootBreakdown } from './lib/breakdown.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const NODES = env('BENCH_NODES', 10_000);
const INTERVAL_US = env('BENCH_PROFILE_INTERVAL_US', 100);
const TOP = env('BENCH_TOP', 30);
const BREAKDOWN_N = env('BENCH_BREAKDOWN_CALLS', 20_000);
const ROUNDS = env('BENCH_ROUNDS', 3);
const PIN = cpus().length >= 2 && process.env.BENCH_PIN !== '0';
const load: LoadOptions = {
  connections: env('BENCH_CONNECTIONS', 50),
  seconds: env('BENCH_SECONDS', 10),
  threads: 1,
  cpu: PIN ? 1 : undefined,
};
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function print(title: string, rows: Array<[string, number]>, total: number) {
  console.log(`\n${title}`);
  for (const [name, us] of rows.slice(0, TOP))
    console.log(`  ${us.toFixed(1).padStart(7)} µs ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** Warm-up, then a measured run; returns it with the CLOCK_MONOTONIC window it ran in. */
async function measure(s: Server, path: string): Promise<{ r: LoadResult; window: [number, number] }> {
  pin(s.pid, PIN ? 0 : undefined);
  await wrk(s.url + path, { ...load, seconds: 2 });
  const from = nowUs();
  const r = await wrk(s.url + path, load);
  return { r, window: [from, nowUs()] };
}

/** Step 1: µs per request of the daemon, its HTTP layer alone (with and without request log), bare Express. */
async function layers(tmp: string, razor: Server, path: string, body: string, type: string) {
  const bodyFile = join(tmp, 'boot.ipxe');
  writeFileSync(bodyFile, body);
  const others = [
    await startRazorApp(bodyFile, join(tmp, 'app.log')),
    await startRazorApp(bodyFile, join(tmp, 'app-silent.log'), 'silent'),
    await startExpress(bodyFile, type),
  ];
  try {
    const servers = [razor, ...others];
    for (const s of others) await expectSame(s, path, body, type);
    // Turns, as in bench/boot.ts: each layer's median run counts.
    const runs = new Map<Server, number[]>(servers.map((s) => [s, []]));
    for (let i = 0; i < ROUNDS; i++)
      for (const s of servers) runs.get(s)?.push((await measure(s, path)).r.rps);
    const us = servers.map((s) => {
      const rps = (runs.get(s) ?? []).sort((a, b) => a - b);
      const mid = rps[Math.floor(rps.length / 2)] ?? NaN;
      console.log(
        `  ${s.name.padEnd(22)} ${String(Math.round(mid)).padStart(6)} req/s  ${(1e6 / mid).toFixed(1)} µs/request` +
          `  (rounds: ${rps.map(Math.round).join(' / ')})`,
      );
      return 1e6 / mid;
    });
    const [full, app, silent, bare] = us as [number, number, number, number];
    console.log(
      `  → engine (dispatch + boot script), full − HTTP layer: ${(full - app).toFixed(1)} µs/request`,
    );
    console.log(
      `  → request log (pino, info), HTTP layer − log silent: ${(app - silent).toFixed(1)} µs/request`,
    );
    console.log(`  → rest of razor's HTTP layer over bare Express: ${(silent - bare).toFixed(1)} µs/request`);
    console.log(`  → bare Express (Node http + Express 5): ${bare.toFixed(1)} µs/request`);
    console.log(`  → razor ≥ 0.8× Express needs ≤ ${(bare / 0.8).toFixed(1)} µs/request in all`);
  } finally {
    for (const s of others) await s.stop();
  }
}

/** Step 2: the daemon under the CPU profiler. */
async function profile(tmp: string, home: string, path: string) {
  const profDir = join(tmp, 'prof');
  const razor = await startRazor(home, [
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
    `--cpu-prof-interval=${INTERVAL_US}`,
  ]);
  let m;
  try {
    await installerScript(razor, path);
    m = await measure(razor, path);
  } finally {
    await razor.stop();
  }
  console.log(
    `\nrazor under --cpu-prof (${INTERVAL_US} µs sampling): ${Math.round(m.r.rps)} req/s, ${m.r.requests} requests`,
  );
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the daemon wrote no .cpuprofile');
  const s = summarise(join(profDir, file), m.r.requests, m.window);
  console.log(`busy (non-idle) main-thread time per request: ${s.busyUs.toFixed(1)} µs`);
  print('self time by module, µs/request', s.selfByModule, s.busyUs);
  print('self time by function, µs/request', s.selfByFunction, s.busyUs);
  print('inclusive time by function, µs/request', s.inclusiveByFunction, s.busyUs);
  print(
    'time charged to the innermost razor function on the stack (library and Node time included), µs/request',
    s.byRazorFrame,
    s.busyUs,
  );
  print(
    "inclusive time of razor's own functions (async ones: synchronous slices only), µs/request",
    s.inclusiveByFunction.filter(([name]) => / dist\/(lib|daemon|bin|slices)\//.test(name)),
    s.busyUs,
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `boot-${stamp}.cpuprofile`);
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(join(profDir, file), out);
  console.log(`\nprofile kept in ${out}`);
}

/** Step 3: the pieces of a request, one at a time, in this process. */
async function pieces(home: string, env: Record<string, string>, target: Target) {
  console.log(`\nmanual timing in one process (${BREAKDOWN_N} calls each, one at a time), µs per call:`);
  console.log('     wall      CPU  piece');
  for (const p of await bootBreakdown(home, env, target, BREAKDOWN_N))
    console.log(`  ${p.wallUs.toFixed(1).padStart(7)}  ${p.cpuUs.toFixed(1).padStart(7)}  ${p.name}`);
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'razor-bench-'));
  const home = join(tmp, 'home');
  mkdirSync(join(home, 'log'), { recursive: true });
  try {
    const target = await writeFleet(home, NODES, Math.floor(NODES * 0.7777));
    const path = bootPath(target);
    console.log(
      `${NODES} nodes, ${load.connections} connections, ${load.seconds} s per run, ${cpus().length} cores`,
    );
    const razor = await startRazor(home);
    let env: Record<string, string> = {};
    try {
      await bindTarget(razor, target);
      const answer = await installerScript(razor, path);
      env = razor.env ?? {};
      console.log(`\nlayers (no profiler, median of ${ROUNDS} turns):`);
      await layers(tmp, razor, path, answer.body, answer.type);
    } finally {
      await razor.stop();
    }
    await profile(tmp, home, path);
    await pieces(home, env, target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:boot:profile failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
