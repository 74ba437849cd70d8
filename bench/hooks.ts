/**
 * Hooks benchmark (issue 16): what a hook that hangs or fails costs a node's checkin. Two daemons
 * side by side in one run, each on its own embedded store: one with a script hook that hangs 60 s
 * (`sleep 60`) and a URL hook that always fails (HTTP 500, retried with backoff), one with none.
 *
 *   npm run bench:hooks
 *
 * 1. BENCH_HOOKS_NODES (default 200) simulated Microkernels register on each daemon (not measured).
 * 2. The same open-loop load on both, interleaved call by call: BENCH_HOOKS_RATE calls/s per daemon
 *    (default 100) for BENCH_HOOKS_SECONDS (default 30); every fifth call registers a new node (an
 *    event for the hooks), the others are checkins of the registered nodes.
 * Prints checkin and registration p50/p99 per daemon and the hooked/plain ratios as JSON, with the
 * hooks' status at the end (they were stuck and failing throughout); writes bench/results/hooks-<date>.json.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from './lib/fleet.js';
import { simulatedNode, type SimulatedNode } from './lib/fleet-facts.js';
import { mkClient, runLoad, type CallResult } from './lib/fleet-load.js';
import { runOpenLoop } from './lib/open-loop.js';
import { latency } from './lib/checkin-phase.js';
import { startRazor, type Server } from './lib/servers.js';
import { writeResults } from './lib/report.js';
import { runRazor } from '../test/helpers/daemon.js';
import { testEnv } from '../test/helpers/deps.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const NODES = env('BENCH_HOOKS_NODES', 200);
const RATE = env('BENCH_HOOKS_RATE', 100);
const SECONDS = env('BENCH_HOOKS_SECONDS', 30);

/** A home with `log/`, for a daemon. */
function freshHome(tmp: string, name: string): string {
  const home = join(tmp, name);
  mkdirSync(join(home, 'log'), { recursive: true });
  return home;
}

/** Adds the two bad hooks to `home` with the CLI, as an operator would. */
async function addBadHooks(home: string, failingUrl: string): Promise<void> {
  const script = join(home, 'hang.sh');
  writeFileSync(script, '#!/bin/sh\nsleep 60\n');
  chmodSync(script, 0o755);
  for (const args of [
    ['--name', 'hangs', '--script', script, '--timeout', '120'],
    ['--name', 'fails', '--url', failingUrl],
  ]) {
    const r = await runRazor(['hook', 'add', ...args], testEnv(home));
    if (r.code !== 0) throw new Error(`razor hook add ${args.join(' ')} failed: ${r.stderr}`);
  }
}

/** The hooks' status as `razor hook list` shows it. */
async function hookStatus(home: string): Promise<unknown> {
  const r = await runRazor(['-w', 'hook', 'list'], testEnv(home));
  const rows = (JSON.parse(r.stdout) as { response: Array<{ name: string; status: unknown }> }).response;
  return Object.fromEntries(rows.map((h) => [h.name, h.status]));
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'razor-bench-hooks-'));
  const servers: Server[] = [];
  const failing = http.createServer((_req, res) => res.writeHead(500).end('always fails'));
  try {
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    const hookedHome = freshHome(tmp, 'hooked');
    const plainHome = freshHome(tmp, 'plain');
    await addBadHooks(hookedHome, `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`);
    const hooked = await startRazor(hookedHome, [], undefined, 'hooked');
    servers.push(hooked);
    const plain = await startRazor(plainHome, [], undefined, 'plain');
    servers.push(plain);
    const daemons = [hooked, plain];
    const clients = daemons.map((d) => mkClient(d.url, 32));
    const rnd = prng(0x600c);
    const extra = Math.ceil((RATE * SECONDS) / 5) + 1;
    const fleet: SimulatedNode[] = Array.from({ length: NODES + extra }, (_, i) => simulatedNode(i, rnd));
    console.log(
      `Hooks benchmark: ${NODES} nodes on each of 2 daemons, then ${RATE} calls/s on each for ${SECONDS} s`,
    );

    for (const client of clients) {
      const done = await runLoad(8, NODES, 120, (i) => client.register(fleet[i]!.hwId, fleet[i]!.facts));
      const failed = done.filter((r) => !r.ok);
      if (done.length < NODES || failed.length) throw new Error(`registration failed: ${failed[0]?.error}`);
    }

    const calls = daemons.map(() => ({ checkin: [] as CallResult[], register: [] as CallResult[] }));
    // Latency from each call's scheduled send time, as runOpenLoop counts it (a backlog shows).
    const t0 = performance.now();
    const run = await runOpenLoop(RATE * 2, SECONDS, async (k) => {
      const which = k % 2;
      const i = Math.floor(k / 2);
      const client = clients[which]!;
      const kind = i % 5 === 0 ? 'register' : 'checkin';
      const scheduled = t0 + (k * 1000) / (RATE * 2);
      const node = kind === 'register' ? fleet[NODES + i / 5]! : fleet[i % NODES]!;
      const r =
        kind === 'register' ? await client.register(node.hwId, node.facts) : await client.checkin(node.hwId);
      calls[which]![kind].push({ ...r, ms: performance.now() - scheduled, at: 0 });
      return r;
    });
    clients.forEach((c) => c.close());
    const [h, p] = calls.map((c) => ({ checkin: latency(c.checkin), register: latency(c.register) }));
    const result = {
      nodes: NODES,
      rate_per_daemon: RATE,
      seconds: SECONDS,
      scheduled: run.scheduled,
      unanswered: run.unanswered,
      send_lag_p99_ms: run.send_lag_p99_ms,
      hooked: h,
      plain: p,
      ratio_checkin_p50: h!.checkin.p50_ms / p!.checkin.p50_ms,
      ratio_checkin_p99: h!.checkin.p99_ms / p!.checkin.p99_ms,
      ratio_register_p99: h!.register.p99_ms / p!.register.p99_ms,
      hooks: await hookStatus(hookedHome),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`results written to ${writeResults('hooks', result)}`);
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    failing.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:hooks failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
